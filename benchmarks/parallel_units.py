"""8 reference units audited at once against one alone: the wall-time ratio of `tekigo run -n 8`.

Run as root from the repository: .venv/bin/python benchmarks/parallel_units.py [--units 8] [--profile]
The units are copies of r1 (r1x1.., 198.18.0.21..) in a fresh lab each time; the whole suite runs on
each, in the tester namespace. Goal: N units at once take at most 1.5x the time of one.
--profile adds where the time goes: each check's wall time alone and at once (slowest unit), and the CPU
seconds of every lab namespace by program (the tester's is the harness side, the units' the device side).
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.cpu_by_namespace import CpuSampler
from benchmarks.support.lab_session import lab_with, timed_in_tester
from harness.lab.clones import clone_profile
from harness.lab.devices import CLONES

R1_PROFILE = Path(__file__).resolve().parent.parent / "device_profiles" / "reference" / "r1-router.yaml"


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
    profiles = [clone_profile(name, R1_PROFILE, folder / "profiles") for name in names]
    out = folder / f"units-{len(names)}"
    arguments = [a for profile in profiles for a in ("--profile", str(profile))]
    arguments += ["-k", keyword] if keyword else []
    if len(names) == 1:  # one unit: the plain single-profile run, as a user runs it
        arguments += ["--out", str(out / names[0])]
    else:
        arguments += ["-n", str(len(names)), "--out", str(out)]
    with lab_with(names), CpuSampler() as cpu:
        wall, done = timed_in_tester([sys.executable, "-m", "harness.cli", "run", *arguments], 1800)
    folders = [out / names[0]] if len(names) == 1 else [out / f"{name}-router" for name in names]
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
    arguments = parser.parse_args()
    names = list(CLONES)[: arguments.units]
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        one, one_result = audit(names[:1], Path(folder), arguments.keyword, arguments.profile)
        print(f"1 unit:  {one:.1f} s, verdicts {one_result['overall']}", flush=True)
        many, many_result = audit(names, Path(folder), arguments.keyword, arguments.profile)
        print(f"{len(names)} units: {many:.1f} s, verdicts {many_result['overall']}", flush=True)
        print(f"(benchmark took {time.monotonic() - started:.0f} s)")
    if arguments.profile:
        print(check_table(one_result["checks"], many_result["checks"], len(names)))
    if set(one_result["overall"] + many_result["overall"]) != {"PASS"}:
        print("not every unit passed as r1 must: the times compare unlike runs")
        return 1
    checks = f"checks matching -k {arguments.keyword!r}" if arguments.keyword else "whole suite"
    print(f"\n{len(names)} units at once vs one alone ({checks} on copies of r1): "
          f"{many:.1f} s / {one:.1f} s = {many / one:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
