"""swupdate's update package (.swu): a newc cpio with `sw-description` first, its signature second.

sw-description is written in libconfig syntax (sbabic.github.io/swupdate/sw-description.html). Each
file carries its sha256, which swupdate checks when signatures are on; the `version` is what its
no-downgrade option (`-N`) compares against; `hardware-compatibility` lists the board revisions it
is for.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.update.cms import Signer
from harness.update.cpio import newc_archive

DESCRIPTION = "sw-description"
SIGNATURE = "sw-description.sig"
VERSION = re.compile(r"\d+(\.\d+){0,3}")


@dataclass(frozen=True)
class SwuFile:
    """One artefact of the package, written by swupdate's rawfile handler to `path` on the unit."""

    name: str
    path: str
    data: bytes


def _string(value: str) -> str:
    """A libconfig string literal (JSON's escaping is a subset libconfig reads)."""
    return json.dumps(value)


def sw_description(version: str, hardware: Sequence[str], files: Sequence[SwuFile], description: str) -> str:
    if not VERSION.fullmatch(version):
        raise ValueError(f"swupdate compares dotted numeric versions; {version!r} is not one")
    entries = ",\n".join(
        f"\t\t{{\n\t\t\tfilename = {_string(f.name)};\n\t\t\tpath = {_string(f.path)};\n"
        f"\t\t\tsha256 = \"{hashlib.sha256(f.data).hexdigest()}\";\n\t\t}}"
        for f in files)
    revisions = ", ".join(_string(revision) for revision in hardware)
    return (f"software =\n{{\n\tversion = {_string(version)};\n\tdescription = {_string(description)};\n"
            f"\thardware-compatibility: [ {revisions} ];\n\tfiles: (\n{entries}\n\t);\n}}\n")


def build_swu(version: str, hardware: Sequence[str], files: Sequence[SwuFile], signer: Signer | None,
              description: str = "") -> bytes:
    """The .swu for `version` on the `hardware` revisions (swupdate's `-H board:revision`); without a
    signer there is no sw-description.sig."""
    text = sw_description(version, hardware, files, description or f"update to {version}").encode()
    members = [(DESCRIPTION, text)]
    if signer is not None:
        members.append((SIGNATURE, signer.sign(text)))
    members.extend((f.name, f.data) for f in files)
    return newc_archive(members)
