"""TER-34-10-3: the unit's software can be updated."""

import pytest

from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-3")


def test_update_installs_the_declared_version(device, profile, evidence):
    device.ensure_password_changed()
    expected = profile.firmware.update.expected_version
    before = device.read_version()
    evidence.transcript.note(f"version before the update: {before}")
    if before == expected:
        raise Inconclusive(f"the unit already runs {expected}; an update to it shows nothing")
    answer = device.install_update()
    assert answer.accepted, f"the unit refused the declared update image ({answer.summary})"
    after = device.read_version()
    assert after == expected, f"after the update the unit reports {after}, expected {expected}"
