"""8 reference units audited at once against one alone: the wall-time ratio of `tekigo run -n 8`.

Run as root from the repository: .venv/bin/python benchmarks/parallel_units.py [--units 8] [--profile] [--qemu]
The units are copies of r1 (r1x1.., 198.18.0.21..) in a fresh lab each time; the whole suite runs on
each, in the tester namespace. Goal: N units at once take at most 1.3x the time of one.
--qemu audits QEMU units instead: q1 alone, then q1 and its copy q1x1 (198.18.0.53) at once. Under TCG
each guest needs a host core of its own, so two is what a 2-core machine can run side by side.
--profile adds where the time goes: each check's wall time alone and at once (slowest unit), and the CPU
seconds of every lab namespace by program (the tester's is the harness side, the units' the device side).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.cpu_by_namespace import CpuSampler
from benchmarks.support.lab_session import lab_with, timed_in_tester
from benchmarks.support.result import result_line
from harness import lab
from harness.lab.clones import clone_profile, qemu_copy_profile
from harness.lab.devices import CLONES
from harness.lab.qemu.variants import QEMU_COPIES

REFERENCE = Path(__file__).resolve().parent.parent / "device_profiles" / "reference"
R1_PROFILE = REFERENCE / "r1-router.yaml"
Q1_PROFILE = REFERENCE / "q1-router-qemu.yaml"
GOAL = 1.3


@contextmanager
def qemu_lab_with(names: list[str]) -> Iterator[None]:
    """The machine's lab, held exclusively, up with the QEMU units `names` (and r1, idle), down afterwards."""
    with lab.exclusive_lab():
        try:
            lab.up(["r1"], qemu=names)
            yield
        finally:
            lab.down()


def unit_profile(name: str, folder: Path) -> Path:
    """The profile of the lab unit `name`: q1's own, or one written for a copy of r1 or q1."""
    if name == "q1":
        return Q1_PROFILE
    if name in QEMU_COPIES:
        return qemu_copy_profile(name, Q1_PROFILE, folder / "profiles")
    return clone_profile(name, R1_PROFILE, folder / "profiles")


def not_passed(run_dir: Path) -> list[str]:
    """The reasons of every check in a run folder that did not pass (what made the unit not 適合)."""
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return [f"{test['verdict']}: {test['reason'][:160]}" for requirement in record["requirements"]
            for test in requirement["tests"] if test["verdict"] not in ("PASS", "NOT_APPLICABLE")]


def check_seconds(run_dir: Path) -> dict[str, float]:
    """Each check's wall time in a run folder, by its test name."""
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return {test["nodeid"].split("::")[-1]: test["seconds"]
            for requirement in record["requirements"] for test in requirement["tests"]}


def audit(names: list[str], folder: Path, keyword: str | None, profile: bool) -> tuple[float, dict]:
    """One `tekigo run` over the copies `names`, all at once, in a fresh lab; its wall time and summary."""
    profiles = [unit_profile(name, folder) for name in names]
    out = folder / f"units-{len(names)}"
    arguments = [a for profile in profiles for a in ("--profile", str(profile))]
    arguments += ["-k", keyword] if keyword else []
    if len(names) == 1:  # one unit: the plain single-profile run, as a user runs it
        arguments += ["--out", str(out / names[0])]
    else:
        arguments += ["-n", str(len(names)), "--out", str(out)]
    qemu = any(name == "q1" or name in QEMU_COPIES for name in names)
    with qemu_lab_with(names) if qemu else lab_with(names), CpuSampler() as cpu:
        wall, done = timed_in_tester([sys.executable, "-m", "harness.cli", "run", *arguments], 1800)
    folders = [out / names[0]] if len(names) == 1 else [out / profile.stem for profile in profiles]
    overall = [json.loads((f / "results.json").read_text(encoding="utf-8"))["verdict"] for f in folders]
    for run_dir in folders:
        for reason in not_passed(run_dir):
            print(f"  {run_dir.name}: {reason}")
    if profile:
        print(cpu.report(), flush=True)
    slowest: dict[str, float] = {}
    for run_dir in folders:
        for name, seconds in check_seconds(run_dir).items():
            slowest[name] = max(slowest.get(name, 0.0), seconds)
    return wall, {"overall": overall, "exit": done.returncode, "checks": slowest}


def check_table(one: dict[str, float], many: dict[str, float], units: int) -> str:
    """Each check's seconds alone and with `units` at once (the slowest unit), slowest growth first."""
    lines = [f"{'check':<64}{'1 unit':>8}{f'{units} units':>10}{'ratio':>7}"]
    for name in sorted(one, key=lambda n: -(many.get(n, 0.0) - one[n])):
        lines.append(f"{name[:63]:<64}{one[name]:>8.1f}{many.get(name, 0.0):>10.1f}"
                     f"{many.get(name, 0.0) / max(one[name], 0.01):>7.1f}")
    lines.append(f"{'sum':<64}{sum(one.values()):>8.1f}{sum(many.values()):>10.1f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=8, choices=range(2, len(CLONES) + 1))
    parser.add_argument("-k", dest="keyword", help="only the checks matching this pytest -k expression")
    parser.add_argument("--profile", action="store_true", help="CPU by namespace and each check's time")
    parser.add_argument("--qemu", action="store_true", help="q1 alone, then q1 and its copy q1x1 at once")
    arguments = parser.parse_args()
    names = ["q1", *QEMU_COPIES] if arguments.qemu else list(CLONES)[: arguments.units]
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        one, one_result = audit(names[:1], Path(folder), arguments.keyword, arguments.profile)
        print(f"1 unit:  {one:.1f} s, verdicts {one_result['overall']}", flush=True)
        many, many_result = audit(names, Path(folder), arguments.keyword, arguments.profile)
        print(f"{len(names)} units: {many:.1f} s, verdicts {many_result['overall']}", flush=True)
        print(f"(benchmark took {time.monotonic() - started:.0f} s)")
    if arguments.profile:
        print(check_table(one_result["checks"], many_result["checks"], len(names)))
    passed = set(one_result["overall"] + many_result["overall"]) == {"PASS"}
    if not passed:
        print("not every unit passed as it must: the times compare unlike runs")
    checks = f"checks matching -k {arguments.keyword!r}" if arguments.keyword else "whole suite"
    kind = "QEMU units (q1 and its copy)" if arguments.qemu else "copies of r1"
    print(f"\n{len(names)} units at once vs one alone ({checks} on {kind}, load average now "
          f"{os.getloadavg()[0]:.2f}): {many:.1f} s / {one:.1f} s = {many / one:.2f}x (goal <= {GOAL}x)")
    ratio = many / one
    print(result_line(f"parallel_{'qemu' if arguments.qemu else 'r1'}_{len(names)}_units_vs_one", ratio, GOAL, "<=",
                      comparable=passed))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
