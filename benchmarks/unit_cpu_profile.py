"""Where one unit's run spends the harness's CPU: py-spy samples `tekigo run` on a copy of r1, summed by check.

Run as root from the repository: .venv/bin/python benchmarks/unit_cpu_profile.py [-k EXPR] [--raw FILE]
py-spy (the dev extra) samples the thread holding the GIL (Python at work), 100 times a second; a sample
goes to the check on its stack or, in a worker thread or outside any check, to the outermost harness or
library function on it. Ends with RESULT lines: the run's wall time (goal <= 60 s, the suite goal of issue 17)
and the harness's sampled CPU as a share of it (goal <= 0.5: a run should mostly wait on the unit, not on
itself). A profile has no peer to run beside it.
"""

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, timed_in_tester
from benchmarks.support.result import result_line
from harness.lab.clones import clone_profile

REPO = Path(__file__).resolve().parent.parent
R1_PROFILE = REPO / "device_profiles" / "reference" / "r1-router.yaml"
RATE_HZ = 100
CHECK = re.compile(r";(test_\w+) \(testcases/")
HARNESS_FRAME = re.compile(r"([\w.<>]+) \((?:harness|weasyprint|scapy|paramiko|pytest|_pytest)/")


OUTSIDE_CHECKS = (("weasyprint/", "report rendering (WeasyPrint)"), ("_find_and_load", "imports"),
                  ("paramiko/", "SSH (paramiko, sweep threads)"), ("requests/", "HTTP (requests, sweep threads)"))


def charge(stack: str) -> str:
    """The check a sampled stack belongs to, else what it was doing (imports, report, a sweep's threads)."""
    checks = CHECK.findall(stack)
    if checks:
        return checks[-1]
    kind = next((name for marker, name in OUTSIDE_CHECKS if marker in stack), None)
    frames = HARNESS_FRAME.findall(stack)
    return f"(outside checks) {kind or (frames[0] if frames else stack.rsplit(';', 1)[-1][:60])}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="keyword", help="only the checks matching this pytest -k expression")
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw (collapsed stacks) output here")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        raw = arguments.raw or Path(folder) / "unit.raw"
        profile = clone_profile("r1x1", R1_PROFILE, Path(folder) / "profiles")
        command = [str(REPO / ".venv" / "bin" / "py-spy"), "record", "--gil", "-r", str(RATE_HZ), "-f", "raw",
                   "-o", str(raw), "--", sys.executable, "-m", "harness.cli", "run", "--profile", str(profile),
                   "--out", str(Path(folder) / "run"), *(["-k", arguments.keyword] if arguments.keyword else [])]
        with lab_with(["r1x1"]):
            wall, done = timed_in_tester(command, 900)
        if not raw.exists():
            print(f"py-spy wrote nothing (exit {done.returncode}): {done.stderr[-800:]}")
            return 1
        by_charge: Counter[str] = Counter()
        for line in raw.read_text(encoding="utf-8").splitlines():
            stack, _, count = line.rpartition(" ")
            by_charge[charge(stack)] += int(count)
    total = sum(by_charge.values()) / RATE_HZ
    print(f"one unit, {wall:.1f} s wall (exit {done.returncode}): {total:.1f} s of harness CPU sampled")
    for name, samples in by_charge.most_common(25):
        print(f"  {samples / RATE_HZ:7.2f} s  {name}")
    print(result_line("unit_r1x1_run_s", wall, 60.0, "<=", digits=1))
    print(result_line("unit_r1x1_harness_cpu_share", total / wall, 0.5, "<="))
    return 0


if __name__ == "__main__":
    sys.exit(main())
