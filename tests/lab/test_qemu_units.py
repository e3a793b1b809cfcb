"""The QEMU reference units: cached image, boot on the lab bridge, real power cuts, version probes.

The suite's verdicts on both variants are pinned by tests/lab/test_run_end_to_end.py: `tekigo selftest`
runs q1 and q2 with the other reference devices (a second full run here would cost CI ~4 minutes).
"""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import lab
from harness.lab.qemu import build
from harness.lab.qemu.reference import machine_file, wait_for_ports
from harness.lab.qemu.variants import QEMU_UNITS
from harness.power.qemu import QemuMachine, QemuPower, alive, our_qemu_pids

pytestmark = [pytest.mark.lab, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
PROFILES = {"q1": REPO / "device_profiles/reference/q1-router-qemu.yaml",
            "q2": REPO / "device_profiles/reference/q2-router-qemu-ram.yaml"}
VERSION_PROBES = [
    {"path": "/api/status", "json_field": "firmware_version"},
    {"path": "/", "regex": r"Firmware (\S+)</p>"},
    {"interface": "ssh", "command": "cat /flash/firmware.json", "regex": r'"version": "([^"]+)"'},
]


@pytest.fixture(scope="module")
def qemu_lab() -> Iterator[None]:
    with lab.exclusive_lab():
        lab.up(["r1"], qemu=list(PROFILES))
        yield
        lab.down()


def host_key(in_tester, address: str) -> str:  # type: ignore[no-untyped-def]
    return in_tester("""
import paramiko
sock = socket.create_connection((params["address"], 22), timeout=10)
transport = paramiko.Transport(sock)
transport.start_client(timeout=20)
result = transport.get_remote_server_key().get_base64()
transport.close()
""", address=address)


def test_a_second_image_build_comes_from_the_cache(qemu_lab: None) -> None:
    started = time.monotonic()
    images = build.build(progress=lambda _: None)
    assert [image.built for image in images] == [False, False]
    assert time.monotonic() - started < 10
    assert all(image.kernel.exists() and image.initrd.exists() and image.flash.exists() for image in images)


def test_units_boot_on_the_bridge_and_the_console_says_how(qemu_lab: None, in_tester) -> None:
    for name, unit in QEMU_UNITS.items():
        machine = QemuMachine.load(machine_file(name))
        assert machine.pid() is not None and machine.accel in ("kvm", "tcg")
        log = machine.console_log.read_text(errors="replace")
        assert f"power on ({machine.accel})" in log and "tekigo: services started" in log
        server = in_tester("result = http().get(f'http://{params[\"a\"]}/login', timeout=10).headers['Server']",
                           a=unit.host.address)
        assert server == unit.variant.server_tag


def test_power_cut_is_sigkill_and_only_the_flash_survives_it(qemu_lab: None, in_tester) -> None:
    """The SSH host key is made at first boot: kept on q1's flash disk, gone with q2's RAM."""
    before = {name: host_key(in_tester, unit.host.address) for name, unit in QEMU_UNITS.items()}
    for name in QEMU_UNITS:
        power, machine = QemuPower(machine_file(name), 120), QemuMachine.load(machine_file(name))
        pid = machine.pid()
        started = time.monotonic()
        power.off()
        assert time.monotonic() - started < 1.0
        assert pid is not None and not alive(pid)
        assert in_tester("result = tcp_open(params['a'], 80)", a=QEMU_UNITS[name].host.address) is False
        power.on()
        assert "power cut (SIGKILL of QEMU)" in machine.console_log.read_text(errors="replace")
    wait_for_ports(list(QEMU_UNITS.values()))
    after = {name: host_key(in_tester, unit.host.address) for name, unit in QEMU_UNITS.items()}
    assert after["q1"] == before["q1"]
    assert after["q2"] != before["q2"]


def test_every_version_probe_reads_what_swupdate_wrote_to_the_flash(qemu_lab: None, in_tester) -> None:
    """q1 updated to 1.1.0 by swupdate (installed here: this module's lab is fresh): the JSON field, the page
    regex and the SSH command all report the version swupdate wrote to the unit's flash."""
    versions = in_tester("""
from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.profile import VersionProbe
from harness.profile_loader import load_profile
from harness.scope import LabScope
profile = load_profile(params["profile"])
new_password = profile.new_password.get_secret_value()
unit = Device(profile, LabScope(profile.lab.networks), Transcript("setup", Redactor({})))
if unit.web.login(unit.username, new_password)[0].accepted:
    unit.state.password, unit.state.password_changed = new_password, True
unit.ensure_password_changed()
if unit.read_version() != profile.firmware.update.expected_version:
    unit.install_update()
result = []
for probe in params["probes"]:
    declared = profile.model_copy(update={"firmware": profile.firmware.model_copy(
        update={"version": VersionProbe(**probe)})})
    device = Device(declared, LabScope(profile.lab.networks), Transcript("probe", Redactor({})))
    device.state.password, device.state.password_changed = new_password, True
    result.append(device.read_version())
""", profile=str(PROFILES["q1"]), probes=VERSION_PROBES)
    assert versions == ["1.1.0"] * len(VERSION_PROBES)


def test_swupdate_reports_a_refused_image_at_once_and_the_genuine_one_after_it(qemu_lab: None, in_tester) -> None:
    """Over its websocket, q1's swupdate says when it is done: a flipped image ends in FAILURE (no settle time
    waited), and the genuine image sent right after is taken (the agent was idle again) and installed."""
    answers = in_tester("""
from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.profile_loader import load_profile
from harness.scope import LabScope
from harness.update.tamper import flipped
profile = load_profile(params["profile"])
unit = Device(profile, LabScope(profile.lab.networks), Transcript("setup", Redactor({})))
genuine = profile.firmware.update.image.read_bytes()
result = []
for name, image in (("flipped.swu", flipped(genuine, "1.1.0")), ("genuine.swu", genuine)):
    answer = unit.send_image(image, name)
    result.append([answer.status, answer.agent_status])
""", profile=str(PROFILES["q1"]))
    assert answers == [[200, "FAILURE"], [200, "SUCCESS"]]


def test_the_next_lab_up_kills_qemu_units_left_running(qemu_lab: None) -> None:
    left = our_qemu_pids()
    assert len(left) == len(QEMU_UNITS)
    lab.up(["r1"])
    assert our_qemu_pids() == []
    assert not any(alive(pid) for pid in left)
    done = subprocess.run(["ip", "-n", "tekigo-lab", "link", "show", "tap-q1"], capture_output=True, timeout=10,
                          check=False)
    assert done.returncode != 0  # the taps went with the old bridge namespace
