"""Finding a value (a login token) in a JSON answer by the profile's JSON path (keys joined by dots, [n] for items)."""

import re
from typing import Any

from harness.transports.outcome import Unrecognised

STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def token_at(answer: Any, path: str) -> str:
    """The non-empty string or number at `path` in `answer`; Unrecognised, naming the step, when it is not there."""
    node = value_at(answer, path)
    if isinstance(node, bool) or not isinstance(node, str | int) or node == "":
        raise Unrecognised(f"the login answer's {path!r} is no token: {str(node)[:40]!r}")
    return str(node)


def value_at(answer: Any, path: str) -> Any:
    """The value at `path` in a JSON answer; Unrecognised, naming the step, when it is not there."""
    node = answer
    for key, index in STEP.findall(path.removeprefix("$.")):
        if key and isinstance(node, dict) and key in node:
            node = node[key]
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            raise Unrecognised(f"the answer has no {path!r} (stopped at {key or '[' + index + ']'!r})")
    return node
