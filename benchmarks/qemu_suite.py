"""Full-suite wall time on the QEMU unit q1, split into boot, power cut and checks; r1 (the same web
admin in a network namespace) is the peer, run in the same lab, one after the other.

Run as root from the repository: .venv/bin/python benchmarks/qemu_suite.py
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import lab
from harness.lab.qemu.reference import machine_file, wait_for_ports
from harness.lab.qemu.variants import QEMU_UNITS
from harness.power.qemu import QemuMachine, QemuPower

REPO = Path(__file__).resolve().parent.parent
PROFILES = {"q1": REPO / "device_profiles/reference/q1-router-qemu.yaml",
            "r1": REPO / "device_profiles/reference/r1-router.yaml"}
POWER_CUT_CHECK = "test_password_settings_and_update_survive_a_power_cut"
SUITE_DEADLINE_S = 600


def say(text: str) -> None:
    print(text, flush=True)


def suite(name: str, out: Path) -> tuple[float, float, str]:
    """(wall seconds, seconds of the power-cut check, overall verdict) of one `tekigo run`."""
    say(f"bench: running the suite on {name} ...")
    started = time.monotonic()
    subprocess.run(lab.tester_command([sys.executable, "-m", "harness.cli", "run", "--profile",
                                       str(PROFILES[name]), "--out", str(out)]),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SUITE_DEADLINE_S, check=False)
    wall = time.monotonic() - started
    record = json.loads((out / "results.json").read_text())
    cut = sum(test.get("seconds", 0.0) for requirement in record["requirements"] for test in requirement["tests"]
              if POWER_CUT_CHECK in test["nodeid"])
    return wall, cut, record["verdict"]


def boot_seconds() -> float:
    """A cold boot of q1 from power on to its web admin and SSH answering."""
    power = QemuPower(machine_file("q1"), 120)
    power.off()
    started = time.monotonic()
    power.on()
    wait_for_ports([QEMU_UNITS["q1"]])
    return time.monotonic() - started


def main() -> None:
    lab.require_root()
    with lab.exclusive_lab(), tempfile.TemporaryDirectory() as folder:
        try:
            say("bench: lab up with r1 and the QEMU unit q1 (image from the cache, or built now)")
            started = time.monotonic()
            lab.up(["r1"], qemu=["q1"])
            say(f"bench: lab up took {time.monotonic() - started:.1f} s")
            accel = QemuMachine.load(machine_file("q1")).accel
            boot = boot_seconds()
            say(f"bench: q1 boots in {boot:.1f} s under {accel.upper()}")
            q1_wall, q1_cut, q1_verdict = suite("q1", Path(folder) / "q1")
            r1_wall, r1_cut, r1_verdict = suite("r1", Path(folder) / "r1")
        finally:
            lab.down()
    say(f"\nfull TER suite, {accel.upper()}            wall    power cut   checks  verdict")
    say(f"q1 (QEMU)                       {q1_wall:6.1f} s  {q1_cut:6.1f} s  {q1_wall - q1_cut:6.1f} s  {q1_verdict}")
    say(f"r1 (namespace, peer)            {r1_wall:6.1f} s  {r1_cut:6.1f} s  {r1_wall - r1_cut:6.1f} s  {r1_verdict}")
    say(f"q1 boot (power on to service)   {boot:6.1f} s")
    say(f"ratio q1 / r1: {q1_wall / r1_wall:.2f}x")


if __name__ == "__main__":
    main()
