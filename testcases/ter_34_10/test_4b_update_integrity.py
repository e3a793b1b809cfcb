"""TER-34-10-3 beyond the legal minimum (EN 303 645 5.3-10): images the unit must not install.

Informational: a tampered, an unsigned and (when the unit claims rollback protection) an older image
are sent by the declared update method; each must leave the reported version unchanged.
"""

import pytest

from harness.device import SETTLING_METHODS
from harness.update.settle import settle_time, settled_version
from harness.update.tamper import flipped, tampered_version, unsigned
from harness.verdict import Inconclusive, NotApplicable

pytestmark = [pytest.mark.requirement("TER-34-10-3"), pytest.mark.informational]

CROSS_REFERENCE = "EN 303 645 5.3-10"


def declared_image(device) -> bytes:
    image = device.firmware.update.image
    if not image.is_file():
        raise Inconclusive(f"update image {image} is missing")
    return image.read_bytes()


def version_after_sending(device, profile, image: bytes, name: str) -> tuple[str, str]:
    """(version before, version after) sending `image`; an agent that installs later gets its settle time."""
    update = device.firmware.update
    device.ensure_password_changed()
    before = device.read_version()
    answer = device.send_image(image, name)
    device.transcript.note(f"the unit answered {answer.summary} to {name}")
    settle_s = settle_time(answer, update.settle_s) if update.method in SETTLING_METHODS and answer.accepted else 0.0
    return before, settled_version(device.read_version, lambda version: version != before, settle_s)


def assert_refused(device, evidence, what: str, before: str, after: str) -> None:
    if after != before:
        evidence.finding(f"the unit installed {what}: its version went from {before} to {after}", CROSS_REFERENCE)
        device.install_update()  # the declared genuine image again, for the checks that follow
    assert after == before, f"the unit installed {what} (version {before} -> {after})"


def test_image_with_one_byte_flipped_is_refused(device, profile, evidence):
    version = device.firmware.update.expected_version
    image = flipped(declared_image(device), version)
    before, after = version_after_sending(device, profile, image, f"flipped-{device.firmware.update.image.name}")
    assert_refused(device, evidence, f"an image with one byte flipped (version {tampered_version(version)})",
                   before, after)


def test_unsigned_image_is_refused(device, profile, evidence):
    version = device.firmware.update.expected_version
    image = unsigned(declared_image(device), version)
    before, after = version_after_sending(device, profile, image, f"unsigned-{device.firmware.update.image.name}")
    assert_refused(device, evidence, f"an unsigned image (version {tampered_version(version)})", before, after)


def test_older_image_is_refused_when_rollback_protection_is_claimed(device, profile, evidence):
    update = device.firmware.update
    if not update.rollback_protection or update.older_image is None:
        raise NotApplicable("the profile claims no rollback protection")
    if not update.older_image.is_file():
        raise Inconclusive(f"older image {update.older_image} is missing")
    before, after = version_after_sending(device, profile, update.older_image.read_bytes(), update.older_image.name)
    if before == update.older_version:
        raise Inconclusive(f"the unit already runs the older release {before}")
    assert_refused(device, evidence, f"an older release ({update.older_version})", before, after)
