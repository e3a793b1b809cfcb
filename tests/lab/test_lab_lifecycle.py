"""The lab's life: up, status, power, stale labs cleared, other namespaces untouched, down."""

import subprocess
import time
from collections.abc import Iterator

import pytest

from harness import lab
from harness.lab import lifecycle
from harness.lab.topology import STATE_DIR
from harness.power.netns import namespace_pids

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

OURS = {"tekigo-lab", "tekigo-tester", "tekigo-r1", "tekigo-c1", "tekigo-n1"}
FOREIGN = "other-ns-test"


def netns_names() -> set[str]:
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=10, check=True)
    return {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}


def start_in(namespace: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["ip", "netns", "exec", namespace, "sleep", "300"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module", autouse=True)
def _lab_held_and_down_afterwards() -> Iterator[None]:
    with lab.exclusive_lab():
        yield
        lab.down()


def test_up_boots_every_device_listening_within_seconds() -> None:
    started = time.monotonic()
    status = lab.up()
    took = time.monotonic() - started
    assert took < 5.0, f"lab up took {took:.1f} s"
    assert set(status.namespaces) == OURS
    assert {d.name: (d.powered, d.listening) for d in status.devices} == {
        "r1": (True, (22, 80)), "c1": (True, (23, 80)), "n1": (True, (22, 80)),
    }
    assert "r1      198.18.0.11   on     22,80" in status.render()
    assert lab.status() == status
    assert sorted(p.name for p in (STATE_DIR / "images").iterdir()) == [
        "c1-1.1.0.tkfw", "f1-1.1.0.tkfw", "n1-1.1.0.tkfw", "r1-1.1.0.tkfw", "s1-1.1.0.tkfw", "w1-1.1.0.tkfw",
    ]  # every unit the selftest updates, started or not: its profile names the image


def test_tester_has_no_default_route_and_reaches_r1(in_tester) -> None:
    lab.up(["r1"])
    routes = subprocess.run(["ip", "-n", "tekigo-tester", "route", "show"], capture_output=True, text=True,
                            timeout=10, check=True).stdout
    assert routes.split() == ["198.18.0.0/24", "dev", "eth0", "proto", "kernel", "scope", "link", "src",
                              "198.18.0.2"]
    # A route lookup only (nothing is sent): the rest of 198.18.0.0/15 is unreachable from the tester.
    lookup = subprocess.run(lab.tester_command(["ip", "route", "get", "198.19.0.1"]), capture_output=True,
                            text=True, timeout=10, check=False)
    assert lookup.returncode != 0 and "unreachable" in lookup.stderr
    assert in_tester("result = tcp_open('198.18.0.11', 80)") is True


def test_up_clears_a_stale_lab() -> None:
    first = lab.up()
    assert first.device("r1").powered
    stale_pids = {pid for ns in OURS for pid in namespace_pids(ns)}
    leftover = start_in("tekigo-tester")
    marker = STATE_DIR / "r1" / "flash" / "stale-marker"
    marker.write_text("from the first lab")
    second = lab.up()
    assert leftover.wait(timeout=5) == -9
    survivors = stale_pids & {pid for ns in OURS for pid in namespace_pids(ns)}
    assert not survivors
    assert not marker.exists()
    assert all(d.powered and d.listening for d in second.devices)


def test_namespace_not_ours_is_left_alone() -> None:
    subprocess.run(["ip", "netns", "add", FOREIGN], timeout=10, check=True)
    sleeper = start_in(FOREIGN)
    try:
        lab.up(["r1"])
        lab.down()
        assert FOREIGN in netns_names()
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait(timeout=5)
        subprocess.run(["ip", "netns", "delete", FOREIGN], timeout=10, check=True)


def test_power_off_kills_everything_and_on_brings_it_back(in_tester, cycle_power) -> None:
    lab.up(["r1", "c1"])
    power = lab.device_power("r1")
    power.off()
    assert namespace_pids("tekigo-r1") == []
    off = lab.status()
    assert not off.device("r1").powered and off.device("r1").listening == ()
    assert off.device("c1").powered
    assert in_tester("result = [tcp_open('198.18.0.11', 80), tcp_open('198.18.0.12', 80)]") == [False, True]
    power.on()
    cycle_power("c1")
    assert in_tester("result = [tcp_open('198.18.0.11', 80), tcp_open('198.18.0.12', 80)]") == [True, True]
    assert lab.status().device("r1").listening == (22, 80)


def test_down_removes_everything_and_is_idempotent() -> None:
    lab.up(["n1"])
    lab.down()
    assert not netns_names() & OURS
    assert not STATE_DIR.exists()
    lab.down()
    status = lab.status()
    assert status.namespaces == () and not any(d.present for d in status.devices)
    assert status.render() == "lab is down (no tekigo-* namespaces)"


def test_partial_lab_has_only_the_chosen_devices() -> None:
    status = lab.up(["c1"])
    assert set(status.namespaces) == {"tekigo-lab", "tekigo-tester", "tekigo-c1"}
    assert status.device("c1").listening == (23, 80)
    assert not status.device("r1").present and not status.device("n1").present


def test_unknown_device_is_refused_before_touching_anything() -> None:
    lab.up(["r1"])
    with pytest.raises(lab.LabError, match="unknown devices \\['x9'\\]"):
        lab.up(["r1", "x9"])
    assert lab.status().device("r1").powered


def test_device_that_does_not_boot_is_named_with_its_console(monkeypatch: pytest.MonkeyPatch) -> None:
    real = lifecycle.write_factory_state

    def broken_r1(device, vendor_public_key: str, python: str) -> None:
        real(device, vendor_public_key, python)
        if device.name == "r1":
            boot = STATE_DIR / "r1" / "boot"
            boot.write_text("#!/bin/sh\necho 'r1: flash checksum error'\nexit 3\n")

    monkeypatch.setattr(lifecycle, "write_factory_state", broken_r1)
    started = time.monotonic()
    with pytest.raises(lab.LabError, match="device r1 did not come up") as raised:
        lab.up(["r1", "n1"])
    assert "flash checksum error" in str(raised.value)
    assert time.monotonic() - started < 5.0


def test_power_of_an_unknown_device_is_refused() -> None:
    with pytest.raises(lab.LabError, match="no reference device 'x9'"):
        lab.device_power("x9")


def test_non_root_is_told_to_use_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    for action in (lab.up, lab.down):
        with pytest.raises(lab.LabError, match=r"tekigo lab needs root: .*run it as root"):
            action()


def test_tester_command_runs_in_the_tester_namespace() -> None:
    assert lab.tester_command(["ss", "-ltn"]) == ["ip", "netns", "exec", "tekigo-tester", "ss", "-ltn"]
