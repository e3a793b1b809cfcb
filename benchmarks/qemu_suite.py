"""Full-suite wall time on the QEMU unit q1, split into boot, power cut and checks; r1 (the same web
admin in a network namespace) is the peer, run in the same lab, one after the other.

Run as root from the repository: .venv/bin/python benchmarks/qemu_suite.py [--rounds N]
Prints where q1's time goes (each check's seconds, each sweep's summary) and ends with RESULT lines:
q1's suite wall time (goal <= 60 s under TCG) and its ratio to r1's in the same round (median of rounds).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.result import result_line
from harness import lab
from harness.lab.qemu.reference import machine_file, wait_for_ports
from harness.lab.qemu.variants import QEMU_UNITS
from harness.power.qemu import QemuMachine, QemuPower

REPO = Path(__file__).resolve().parent.parent
PROFILES = {"q1": REPO / "device_profiles/reference/q1-router-qemu.yaml",
            "r1": REPO / "device_profiles/reference/r1-router.yaml"}
POWER_CUT_CHECK = "test_password_settings_and_update_survive_a_power_cut"
SUITE_DEADLINE_S = 600
GOAL_S = 60.0


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


def where_the_time_went(out: Path) -> str:
    """Each check's seconds (slowest first, from the run record) and every sweep's summary."""
    record = json.loads((out / "results.json").read_text())
    checks = sorted(((test.get("seconds", 0.0), test["nodeid"].split("::")[-1], test["verdict"])
                     for requirement in record["requirements"] for test in requirement["tests"]), reverse=True)
    lines = [f"  {seconds:6.1f} s  {verdict:<14} {name}" for seconds, name, verdict in checks if seconds >= 0.05]
    lines.append(f"  {sum(c[0] for c in checks):6.1f} s  in checks")
    lines += [f"  {test['verdict']}: {test['nodeid'].split('::')[-1]}: {test['reason'][:300]}"
              for requirement in record["requirements"] for test in requirement["tests"]
              if test["verdict"] not in ("PASS", "NOT_APPLICABLE")]
    for summary in sorted(out.glob("evidence/*sweep*/sweep-summary*")):
        lines.append(f"  {summary.parent.name.split('test_dictionary_sweep_finds_no_login_')[-1]}: "
                     + " | ".join(line for line in summary.read_text().splitlines()
                                  if line.startswith(("tried", "seconds"))))
    return "\n".join(lines)


def boot_seconds() -> float:
    """A cold boot of q1 from power on to its web admin and SSH answering."""
    power = QemuPower(machine_file("q1"), 120)
    power.off()
    started = time.monotonic()
    power.on()
    wait_for_ports([QEMU_UNITS["q1"]])
    return time.monotonic() - started


def one_round(folder: Path, keep: Path | None) -> tuple[float, float, float, float, float, str, str]:
    """A fresh lab with r1 and q1: q1's boot, then the suite on q1 and on r1 one after the other."""
    try:
        say("bench: lab up with r1 and the QEMU unit q1 (image from the cache, or built now)")
        started = time.monotonic()
        lab.up(["r1"], qemu=["q1"])
        say(f"bench: lab up took {time.monotonic() - started:.1f} s")
        boot = boot_seconds()
        say(f"bench: q1 boots in {boot:.1f} s")
        q1_wall, q1_cut, q1_verdict = suite("q1", folder / "q1")
        say(where_the_time_went(folder / "q1"))
        r1_wall, r1_cut, r1_verdict = suite("r1", folder / "r1")
        say(where_the_time_went(folder / "r1"))
    finally:
        lab.down()
        if keep is not None:
            shutil.copytree(folder, keep, dirs_exist_ok=True)
    return boot, q1_wall, q1_cut, r1_wall, r1_cut, q1_verdict, r1_verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="fresh lab and both suites this many times")
    parser.add_argument("--keep", type=Path, help="copy the last round's run folders here")
    arguments = parser.parse_args()
    lab.require_root()
    rows = []
    with lab.exclusive_lab():
        for number in range(arguments.rounds):
            with tempfile.TemporaryDirectory() as folder:
                load = os.getloadavg()[0]
                rows.append((*one_round(Path(folder), arguments.keep), load))
                say(f"bench: round {number + 1} done (load average at its start {load:.2f})")
    accel = QemuMachine.load(machine_file("q1")).accel if machine_file("q1").exists() else "tcg"
    say(f"\nfull TER suite, {accel.upper()}   q1 wall  power cut   r1 wall  power cut  q1 boot  ratio  load  verdicts")
    for boot, q1_wall, q1_cut, r1_wall, r1_cut, q1_verdict, r1_verdict, load in rows:
        say(f"round                 {q1_wall:6.1f} s  {q1_cut:6.1f} s  {r1_wall:6.1f} s  {r1_cut:6.1f} s  "
            f"{boot:5.1f} s  {q1_wall / r1_wall:5.2f}x  {load:4.2f}  q1 {q1_verdict}, r1 {r1_verdict}")
    q1 = statistics.median(row[1] for row in rows)
    ratio = statistics.median(row[1] / row[3] for row in rows)
    say(f"q1 suite: median {q1:.1f} s (spread {min(r[1] for r in rows):.1f}-{max(r[1] for r in rows):.1f} s), "
        f"{ratio:.2f}x r1 (the peer: the same web admin in a namespace, same round)")
    verdicts_ok = all(row[5] == "PASS" and row[6] == "PASS" for row in rows)
    if not verdicts_ok:
        say("not every run passed as q1 and r1 must: the times compare unlike runs")
    say(result_line("qemu_suite_q1_s", q1, GOAL_S, "<=", digits=1, comparable=verdicts_ok))


if __name__ == "__main__":
    main()
