"""The signed update images a lab offers: one per reference device, version 1.1.0, signed by the vendor."""

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.lab.devices import DEVICES, ONBOARDING_UNITS, STALE_UPDATE_UNITS
from harness.lab.firmware.image import build_image
from harness.lab.topology import IMAGES_DIR

UPDATE_VERSION = "1.1.0"


def image_path(device: str) -> Path:
    return IMAGES_DIR / f"{device}-{UPDATE_VERSION}.tkfw"


def update_payload(model: str) -> bytes:
    """A stand-in root file system: deterministic, binary, with CR LF inside (multipart must cope)."""
    seed = f"{model} firmware {UPDATE_VERSION}\r\n".encode()
    return seed + b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(128))


def write_update_images(signing_key: Ed25519PrivateKey) -> None:
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    for name, device in (DEVICES | ONBOARDING_UNITS | STALE_UPDATE_UNITS).items():
        image = build_image(device.model, UPDATE_VERSION, update_payload(device.model), signing_key)
        image_path(name).write_bytes(image)
