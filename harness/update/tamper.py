"""Images a unit must refuse, made from the declared genuine one: a byte flipped, the signature gone.

Both carry a version the unit does not run (the declared one with its last digit changed), so a
unit that installs them anyway shows it in the version it reports. Formats: swupdate's .swu and
the reference lab's TKFW1.
"""

import hashlib
import json

from harness.lab.firmware.image import MAGIC as TKFW_MAGIC
from harness.lab.firmware.image import build_image
from harness.update.cpio import MAGIC as NEWC_MAGIC
from harness.update.cpio import newc_archive, newc_members
from harness.update.swu import DESCRIPTION, SIGNATURE
from harness.verdict import Inconclusive

ED25519_SIGNATURE = 64


def tampered_version(version: str) -> str:
    """`version` with one byte changed: its last character becomes 9 (8 when it is 9 already)."""
    return version[:-1] + ("8" if version.endswith("9") else "9")


def _replace_once(data: bytes, old: bytes, new: bytes, last: bool) -> bytes:
    at = data.rfind(old) if last else data.find(old)
    if at < 0:
        raise Inconclusive(f"the declared image does not contain its version {old.decode()!r}")
    return data[:at] + new + data[at + len(old):]


def flipped(image: bytes, version: str) -> bytes:
    """One byte of the version the unit would install changed; nothing else."""
    old, new = f'"{version}"'.encode(), f'"{tampered_version(version)}"'.encode()
    if image.startswith(TKFW_MAGIC):
        return _replace_once(image, old, new, last=False)  # the header says what gets installed
    if image.startswith(NEWC_MAGIC):
        return _replace_once(image, old, new, last=True)  # the last artefact's content
    raise Inconclusive("the declared image is neither a .swu nor a TKFW1 image: cannot tamper with it")


def unsigned(image: bytes, version: str) -> bytes:
    """The declared image rebuilt without its signature, at the tampered version (hashes made consistent)."""
    new_version = tampered_version(version)
    if image.startswith(TKFW_MAGIC):
        header_line, _, rest = image[len(TKFW_MAGIC):].partition(b"\n")
        header = json.loads(header_line)
        payload = next((p for p in (rest, rest[:-ED25519_SIGNATURE])
                        if hashlib.sha256(p).hexdigest() == header.get("payload_sha256")), None)
        if payload is None:
            raise Inconclusive("the declared TKFW1 image's payload does not match its header's hash")
        return build_image(header["model"], new_version, payload, None)
    if image.startswith(NEWC_MAGIC):
        return _unsigned_swu(image, version, new_version)
    raise Inconclusive("the declared image is neither a .swu nor a TKFW1 image: cannot rebuild it unsigned")


def _unsigned_swu(image: bytes, version: str, new_version: str) -> bytes:
    members = dict(newc_members(image))
    if DESCRIPTION not in members:
        raise Inconclusive("the declared .swu has no sw-description")
    old, new = f'"{version}"'.encode(), f'"{new_version}"'.encode()
    description = members.pop(DESCRIPTION).replace(old, new)
    members.pop(SIGNATURE, None)
    artefacts = []
    for name, data in members.items():
        changed = data.replace(old, new)
        description = description.replace(hashlib.sha256(data).hexdigest().encode(),
                                          hashlib.sha256(changed).hexdigest().encode())
        artefacts.append((name, changed))
    return newc_archive([(DESCRIPTION, description), *artefacts])
