"""The lab vendor's Ed25519 key pair: signs the update images that conforming devices accept."""

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.lab.errors import LabError
from harness.lab.topology import VENDOR_DIR

VENDOR_KEY = VENDOR_DIR / "vendor-ed25519.pem"


def create_vendor_key() -> Ed25519PrivateKey:
    """A fresh vendor key, its private half written (mode 0600) under the lab's vendor folder."""
    key = Ed25519PrivateKey.generate()
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(VENDOR_KEY, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return key


def vendor_signing_key() -> Ed25519PrivateKey:
    """The vendor key of the lab that is up (to sign update images in tests and demos)."""
    try:
        key = serialization.load_pem_private_key(VENDOR_KEY.read_bytes(), password=None)
    except FileNotFoundError as error:
        raise LabError(f"no vendor key at {VENDOR_KEY}: bring the lab up first (tekigo lab up)") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise LabError(f"{VENDOR_KEY} is not an Ed25519 key; bring the lab up again")
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key in hex, as the devices' firmware configuration carries it."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()
