"""The .swu builder, its CMS signature and the tampered images, checked by the real swupdate (`-c`)."""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.lab.firmware.image import build_image
from harness.update.cms import new_signer
from harness.update.cpio import newc_archive, newc_members
from harness.update.swu import DESCRIPTION, SIGNATURE, SwuFile, build_swu
from harness.update.tamper import flipped, tampered_version, unsigned

pytestmark = pytest.mark.skipif(shutil.which("swupdate") is None, reason="swupdate is not installed")

HARDWARE = ("TKG-T1", "1.0")
SIGNER = new_signer("tekigo unit test")


def record_swu(version: str, signed: bool = True) -> bytes:
    record = json.dumps({"version": version, "model": "TKG-T1"}).encode()
    return build_swu(version, [HARDWARE[1]], [SwuFile("firmware.json", "/nonexistent/firmware.json", record)],
                     SIGNER if signed else None)


def swupdate_check(tmp_path: Path, image: bytes, *options: str) -> subprocess.CompletedProcess[str]:
    """`swupdate -c`: parse and verify the image, install nothing (the vendor certificate given with -k)."""
    (tmp_path / "vendor.crt").write_bytes(SIGNER.certificate_pem())
    (tmp_path / "image.swu").write_bytes(image)
    return subprocess.run(["swupdate", "-H", ":".join(HARDWARE), "-k", str(tmp_path / "vendor.crt"),
                           "--cert-purpose", "codeSigning", *options, "-c", "-i", str(tmp_path / "image.swu")],
                          capture_output=True, text=True, timeout=30, check=False,
                          env={**os.environ, "TMPDIR": str(tmp_path)})


def accepted(done: subprocess.CompletedProcess[str]) -> bool:
    """What swupdate said of the image. Its exit status in check mode is racy (2022.12 exits 1 now and then
    after printing "SWUPDATE successful"), so its own verdict lines decide, and exactly one must be there."""
    output = done.stdout + done.stderr
    succeeded, failed = "SWUPDATE successful" in output, "SWUPDATE failed" in output
    assert succeeded != failed, f"swupdate said neither or both: {output[-1500:]}"
    return succeeded


def test_newc_members_read_back_what_was_written_in_order() -> None:
    members = [("sw-description", b"x" * 5), ("b", b""), ("c.bin", bytes(range(256)))]
    assert newc_members(newc_archive(members)) == members


def test_cpio_lists_sw_description_first_then_its_signature(tmp_path: Path) -> None:
    listing = subprocess.run(["cpio", "-t", "--quiet"], input=record_swu("1.1.0"), capture_output=True,
                             timeout=10, check=True).stdout.decode().split()
    assert listing == [DESCRIPTION, SIGNATURE, "firmware.json"]


def test_swupdate_accepts_the_signed_package(tmp_path: Path) -> None:
    assert accepted(swupdate_check(tmp_path, record_swu("1.1.0"), "-N", "1.0.0"))


def test_swupdate_refuses_a_flipped_byte_an_unsigned_package_and_a_downgrade(tmp_path: Path) -> None:
    genuine = record_swu("1.1.0")
    tampered = flipped(genuine, "1.1.0")
    assert sum(a != b for a, b in zip(genuine, tampered, strict=True)) == 1
    assert not accepted(swupdate_check(tmp_path, tampered))
    assert not accepted(swupdate_check(tmp_path, unsigned(genuine, "1.1.0")))
    older = swupdate_check(tmp_path, record_swu("0.9.0"), "-N", "1.0.0")
    assert not accepted(older) and "No downgrading allowed" in older.stdout + older.stderr


def test_the_unsigned_package_is_consistent_but_for_its_missing_signature() -> None:
    members = dict(newc_members(unsigned(record_swu("1.1.0"), "1.1.0")))
    assert SIGNATURE not in members
    description = members[DESCRIPTION].decode()
    assert f'version = "{tampered_version("1.1.0")}"' in description
    assert hashlib.sha256(members["firmware.json"]).hexdigest() in description


def test_tkfw_images_are_tampered_in_their_header_version() -> None:
    image = build_image("TKG-T1", "1.1.0", b"payload with 1.1.0 inside\r\n", None)
    assert b'"version": "1.1.9"' in flipped(image, "1.1.0") and b"with 1.1.0 inside" in flipped(image, "1.1.0")
    rebuilt = unsigned(image + b"s" * 64, "1.1.0")  # a signed image: its 64 signature bytes are dropped
    assert rebuilt == build_image("TKG-T1", "1.1.9", b"payload with 1.1.0 inside\r\n", None)


def test_tampered_version_changes_exactly_one_character() -> None:
    assert tampered_version("1.1.0") == "1.1.9"
    assert tampered_version("2.0.9") == "2.0.8"
