"""The firmware version in what a version probe got back: a JSON field, or a regex match in text."""

import re
from typing import Any

from harness.transports.outcome import Unrecognised

MAX_VERSION = 64


def version_in_json(reply: Any, json_field: str, where: str) -> str:
    version = reply.get(json_field) if isinstance(reply, dict) else None
    if not isinstance(version, str):
        raise Unrecognised(f"version probe {where} has no string field {json_field!r}")
    return version


def version_in_text(text: str, regex: str | None, where: str) -> str:
    """Group `version` or group 1 of the first match; without a regex, the whole text, stripped."""
    if regex is None:
        version = text.strip()
    else:
        found = re.search(regex, text)
        if found is None:
            raise Unrecognised(f"version probe {where}: no match for {regex!r}")
        version = found.group("version") if "version" in found.re.groupindex else found.group(1)
    if not version or len(version) > MAX_VERSION or not version.isprintable():
        raise Unrecognised(f"version probe {where} gave no usable version ({version[:MAX_VERSION]!r})")
    return version
