"""`tekigo lab status` lists every unit that is there: a surface unit booted, the hostile unit powered off,
a QEMU unit's process (a QEMU with no guest: `-machine none`, paused, no network) and says which are down."""

import subprocess
import sys
from collections.abc import Iterator

import pytest

from harness import lab
from harness.lab import hostile
from harness.lab.qemu.reference import machine_file
from harness.lab.topology import device_dir
from harness.power.qemu import QemuMachine

from ..conftest import REPO

pytestmark = [pytest.mark.lab, pytest.mark.timeout(60)]


@pytest.fixture(scope="module")
def lab_with_u1_x1_q1() -> Iterator[int]:
    """u1 booted, x1 installed but off, q1's QEMU running without a guest; yields the QEMU's pid."""
    with lab.exclusive_lab():
        try:
            lab.up(["u1"])
            hostile.install()
            device_dir("q1").mkdir(parents=True)
            machine = QemuMachine(
                name="tekigo-q1", argv=["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                                        "-S"],
                accel="tcg", pidfile=device_dir("q1") / "qemu.pid", console_log=device_dir("q1") / "console.log",
                boot_line="never printed")
            machine.save(machine_file("q1"))
            machine.start()
            pid = machine.pid()
            assert pid is not None
            yield pid
        finally:
            lab.down()


def test_status_lists_the_extra_units_with_what_runs_in_them(lab_with_u1_x1_q1: int) -> None:
    status = lab.status()
    assert [d.name for d in status.devices] == ["r1", "c1", "n1", "x1", "u1", "q1"]
    u1, x1, q1 = status.device("u1"), status.device("x1"), status.device("q1")
    assert (u1.address, u1.powered, u1.listening) == ("198.18.0.61", True, (22, 80, 1883, 5000))
    assert {"dropbear", "lighttpd", "avahi-daemon", "snmpd", "mosquitto", "miniupnpd"} <= set(u1.running)
    assert (x1.address, x1.present, x1.powered, x1.running) == ("198.18.0.31", True, False, ())
    assert (q1.address, q1.powered, q1.listening) == ("198.18.0.51", True, None)
    assert q1.running == (f"qemu pid {lab_with_u1_x1_q1} (tcg)",)
    assert not status.device("r1").present


def test_cli_prints_each_unit_and_names_the_ones_that_are_down(lab_with_u1_x1_q1: int) -> None:
    done = subprocess.run([sys.executable, "-m", "harness.cli", "lab", "status"], capture_output=True, text=True,
                          timeout=30, check=True, cwd=REPO)
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert rows["u1"].startswith("u1      198.18.0.61   on     22,80,1883,5000 ")
    assert "mosquitto" in rows["u1"] and "miniupnpd" in rows["u1"]
    assert rows["x1"].split() == ["x1", "198.18.0.31", "off", "-", "-"]
    assert rows["q1"].split() == ["q1", "198.18.0.51", "on", "in", "guest", "qemu", "pid",
                                  str(lab_with_u1_x1_q1), "(tcg)"]
    assert rows["down:"] == "down: x1 (powered off); r1 c1 n1 (not started)"
