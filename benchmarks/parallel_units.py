"""8 reference units audited at once against one alone: the wall-time ratio of `tekigo run -n 8`.

Run as root from the repository: .venv/bin/python benchmarks/parallel_units.py [--units 8]
The units are copies of r1 (r1x1.., 198.18.0.21..) in a fresh lab each time; the whole suite runs on
each, in the tester namespace. Goal: N units at once take at most 1.5x the time of one.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, timed_in_tester
from harness.lab.clones import clone_profile
from harness.lab.devices import CLONES

R1_PROFILE = Path(__file__).resolve().parent.parent / "device_profiles" / "reference" / "r1-router.yaml"


def not_passed(run_dir: Path) -> list[str]:
    """The reasons of every check in a run folder that did not pass (what made the unit not 適合)."""
    record = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return [f"{test['verdict']}: {test['reason'][:160]}" for requirement in record["requirements"]
            for test in requirement["tests"] if test["verdict"] not in ("PASS", "NOT_APPLICABLE")]


def audit(names: list[str], folder: Path, keyword: str | None) -> tuple[float, dict]:
    """One `tekigo run` over the copies `names`, all at once, in a fresh lab; its wall time and summary."""
    profiles = [clone_profile(name, R1_PROFILE, folder / "profiles") for name in names]
    out = folder / f"units-{len(names)}"
    arguments = [a for profile in profiles for a in ("--profile", str(profile))]
    arguments += ["-k", keyword] if keyword else []
    if len(names) == 1:  # one unit: the plain single-profile run, as a user runs it
        arguments += ["--out", str(out / names[0])]
    else:
        arguments += ["-n", str(len(names)), "--out", str(out)]
    with lab_with(names):
        wall, done = timed_in_tester([sys.executable, "-m", "harness.cli", "run", *arguments], 1800)
    folders = [out / names[0]] if len(names) == 1 else [out / f"{name}-router" for name in names]
    overall = [json.loads((f / "results.json").read_text(encoding="utf-8"))["verdict"] for f in folders]
    for run_dir in folders:
        for reason in not_passed(run_dir):
            print(f"  {run_dir.name}: {reason}")
    return wall, {"overall": overall, "exit": done.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=8, choices=range(2, len(CLONES) + 1))
    parser.add_argument("-k", dest="keyword", help="only the checks matching this pytest -k expression")
    arguments = parser.parse_args()
    names = list(CLONES)[: arguments.units]
    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        one, one_result = audit(names[:1], Path(folder), arguments.keyword)
        print(f"1 unit:  {one:.1f} s, verdicts {one_result['overall']}", flush=True)
        many, many_result = audit(names, Path(folder), arguments.keyword)
        print(f"{len(names)} units: {many:.1f} s, verdicts {many_result['overall']}", flush=True)
        print(f"(benchmark took {time.monotonic() - started:.0f} s)")
    if set(one_result["overall"] + many_result["overall"]) != {"PASS"}:
        print("not every unit passed as r1 must: the times compare unlike runs")
        return 1
    checks = f"checks matching -k {arguments.keyword!r}" if arguments.keyword else "whole suite"
    print(f"\n{len(names)} units at once vs one alone ({checks} on copies of r1): "
          f"{many:.1f} s / {one:.1f} s = {many / one:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
