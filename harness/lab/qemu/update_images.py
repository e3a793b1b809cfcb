"""The swupdate images the lab offers its QEMU units: the declared update and an older release.

Each is a .swu made by the harness's own builder (harness.update.swu), signed with the vendor
identity whose certificate the firmware trusts. Its one artefact is the firmware record that
swupdate's rawfile handler writes to the flash, where the web admin reads the version from.
"""

import json
from pathlib import Path

from harness.lab.images import UPDATE_VERSION
from harness.lab.qemu.variants import QemuUnit
from harness.lab.topology import IMAGES_DIR
from harness.update.cms import Signer
from harness.update.swu import SwuFile, build_swu

OLDER_VERSION = "0.9.0"  # below every variant's factory version: the no-downgrade option must refuse it
FIRMWARE_RECORD = "/flash/firmware.json"


def swu_path(unit: str, version: str) -> Path:
    return IMAGES_DIR / f"{unit}-{version}.swu"


def firmware_swu(unit: QemuUnit, version: str, signer: Signer) -> bytes:
    record = json.dumps({"version": version, "model": unit.variant.model, "installed_by": "swupdate"}) + "\n"
    return build_swu(version, [unit.variant.hardware_revision],
                     [SwuFile("firmware.json", FIRMWARE_RECORD, record.encode())], signer,
                     f"{unit.variant.model} firmware {version}")


def write_swupdate_images(unit: QemuUnit, signer: Signer) -> None:
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    for version in (UPDATE_VERSION, OLDER_VERSION):
        swu_path(unit.name, version).write_bytes(firmware_swu(unit, version, signer))
