"""TER-34-10-3: the unit's software can be updated."""

import pytest

from harness.update.answers import classify_update
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-3")


def test_update_installs_the_declared_version(device, profile, evidence):
    # Item 3 applies to every unit in scope: one that declares no update is INCONCLUSIVE, login or not.
    expected = device.firmware.update.expected_version
    device.ensure_password_changed()
    before = device.read_version()
    evidence.transcript.note(f"version before the update: {before}")
    if before == expected:
        raise Inconclusive(f"the unit already runs {expected}; an update to it shows nothing")
    taken = classify_update(device.install_update())
    after = device.read_version()
    if after == expected:  # installed, whatever the answer said
        if not taken.accepted:
            evidence.finding(f"the unit answered the update with {taken.raw} ({taken.reason}) and installed it")
        return
    assert not taken.refused, f"the unit refused the declared update image ({taken.raw}: {taken.reason})"
    taken.decided()  # an answer that does not judge the image: INCONCLUSIVE with it
    assert after == expected, f"after the update the unit reports {after}, expected {expected}"
