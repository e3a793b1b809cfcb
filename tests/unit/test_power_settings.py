"""Each power driver a profile can declare: validated where it enters, dispatched to its driver."""

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.power.drivers import power_switch
from harness.power.labgrid_port import LabgridPowerPort
from harness.power.qemu import QemuPower
from harness.power.serial_relay import SerialRelay
from harness.power.snmp_pdu import ApcOutlet
from harness.power.tasmota import TasmotaPlug
from harness.profile_loader import ProfileError, load_profile

R1_POWER = """power:
  driver: netns
  namespace: tekigo-r1
  boot: /var/lib/tekigo-lab/r1/boot
  console_log: /var/lib/tekigo-lab/r1/console.log
"""


def profile_with(tmp_path: Path, text: str, power: str):  # type: ignore[no-untyped-def]
    assert R1_POWER in text
    path = tmp_path / "unit.yaml"
    path.write_text(text.replace(R1_POWER, power))
    return load_profile(path)


@pytest.mark.parametrize(("power", "expected"), [
    # The machine description's path is relative to the profile's folder.
    ("power: {driver: qemu, machine: q1/machine.json}\n", lambda folder: QemuPower(folder / "q1/machine.json", 120.0)),
    ("power: {driver: tasmota, address: 198.18.0.50, relay: 2}\n", lambda _: TasmotaPlug("198.18.0.50", 2)),
    ("power: {driver: tasmota, address: 198.18.0.50, credentials: {password: pw-1}}\n",
     lambda _: TasmotaPlug("198.18.0.50", 1, "admin", "pw-1")),
    ("power: {driver: shelly, address: 198.18.0.51, generation: 1, channel: 1}\n",
     lambda _: LabgridPowerPort("shelly_gen1", "http://198.18.0.51", 1, label="Shelly 198.18.0.51 channel 1")),
    ("power: {driver: snmp_pdu, address: 198.18.0.52, outlet: 7, write_community: private-1}\n",
     lambda _: ApcOutlet("198.18.0.52", 7, "private-1", 161)),
    ("power: {driver: serial_relay, port: /dev/ttyUSB0, relay: 3}\n",
     lambda _: SerialRelay("/dev/ttyUSB0", 3, 9600)),
])
def test_profile_power_settings_choose_their_driver(tmp_path: Path, reference_profile_text: str, power: str,
                                                    expected: Callable[[Path], object]) -> None:
    assert power_switch(profile_with(tmp_path, reference_profile_text, power).power) == expected(tmp_path)


def test_power_secrets_are_redacted_like_the_unit_passwords(tmp_path: Path, reference_profile_text: str) -> None:
    profile = profile_with(tmp_path, reference_profile_text,
                           "power: {driver: snmp_pdu, address: 198.18.0.52, outlet: 1, write_community: pdu-9}\n")
    assert profile.secrets()["power_community"] == "pdu-9"
    plug = profile_with(tmp_path, reference_profile_text,
                        "power: {driver: shelly, address: 198.18.0.51, credentials: {password: plug-8}}\n")
    assert plug.secrets()["power_password"] == "plug-8"


def test_an_unknown_driver_or_a_bad_outlet_is_refused(tmp_path: Path, reference_profile_text: str) -> None:
    with pytest.raises(ProfileError, match="power"):
        profile_with(tmp_path, reference_profile_text, "power: {driver: zigbee}\n")
    with pytest.raises(ProfileError, match="outlet"):
        profile_with(tmp_path, reference_profile_text,
                     "power: {driver: snmp_pdu, address: 198.18.0.52, outlet: 0, write_community: x}\n")
