"""The TKFW1 update image: magic line, JSON header line, payload, then an optional Ed25519 signature.

Layout: b"TKFW1\\n" + header JSON + b"\\n" + payload + signature (64 bytes over everything before it).
The web admin CGI parses the same layout on its own, as it must stay standalone.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

MAGIC = b"TKFW1\n"


def build_image(model: str, version: str, payload: bytes, signing_key: Ed25519PrivateKey | None) -> bytes:
    """An update image for `model` at `version`; unsigned when `signing_key` is None."""
    header = {"model": model, "version": version, "payload_sha256": hashlib.sha256(payload).hexdigest()}
    signed = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload
    if signing_key is None:
        return signed
    return signed + signing_key.sign(signed)
