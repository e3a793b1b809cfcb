"""The SNMP version probe against c1's real net-snmp agent: sysDescr carries the firmware version in the unit's
flash, so it follows an update; a community the agent ignores makes the read inconclusive, not a guess.

Only c1 is booted (quicker than the whole lab), under the lab lock."""

from collections.abc import Iterator

import pytest

from harness import lab
from harness.lab.devices import DEVICES

from ..conftest import REFERENCE_PROFILES

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]


@pytest.fixture(scope="module", autouse=True)
def c1_only() -> Iterator[None]:
    with lab.exclusive_lab():
        lab.up(["c1"])
        yield
        lab.down()


def test_sysdescr_reports_the_flash_version_before_and_after_an_update(in_tester) -> None:
    result = in_tester("""
from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.profile import VersionProbe
from harness.profile_loader import load_profile
from harness.scope import LabScope
from harness.verdict import Inconclusive
profile = load_profile(params["profile"])


def unit(community, connect_timeout_s=5.0):
    declared = profile.model_copy(update={
        "firmware": profile.firmware.model_copy(update={"version": VersionProbe(
            interface="snmp", community=community, regex=r"firmware (\\S+)")}),
        "unit": profile.unit.model_copy(update={"connect_timeout_s": connect_timeout_s})})
    return Device(declared, LabScope(profile.lab.networks), Transcript("snmp", Redactor({})))


over_http = Device(profile, LabScope(profile.lab.networks), Transcript("http", Redactor({})))
result = [unit("public").read_version(), over_http.read_version()]
over_http.install_update()
result += [unit("public").read_version(), over_http.read_version()]
started = time.monotonic()
try:
    result.append(unit("not-the-community", connect_timeout_s=0.5).read_version())
except Inconclusive as silent:
    result.append(str(silent))
result.append(time.monotonic() - started)
""", profile=str(REFERENCE_PROFILES / "c1-camera.yaml"))
    factory, updated = DEVICES["c1"].factory_firmware_version, "1.1.0"
    assert result[:4] == [factory, factory, updated, updated]
    assert result[4].startswith("the SNMP agent gave no version (1.3.6.1.2.1.1.1.0): no answer")
    assert result[5] < 3.0  # two tries of 0.5 s, bounded
