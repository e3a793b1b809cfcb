"""Three reference units on labgrid places over two bench PCs against the same three with `-n 3` on one host.

Run as root from the repository: .venv/bin/python benchmarks/labgrid_benches.py [-k EXPR]
Both runs start from a fresh lab (r1, c1, n1 in factory state) and run in the tester namespace. The places run
is `make demo-labgrid`'s (harness/bench/demo.py: coordinator and two bench-PC namespaces, each unit's power cut
through its bench's plug and labgrid's NetworkPowerDriver); the peer is `tekigo run -n 3` with the profiles'
own netns power. Goal: holding places costs at most 10 % of the wall time (both do the same work on one machine;
real bench PCs would add their own cores, which this machine cannot show).
"""

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.support.lab_session import lab_with, timed_in_tester
from benchmarks.support.result import result_line
from harness.bench.demo import PROFILES, UNITS, run_units, start_benches

GOAL = 1.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="keyword", help="only the checks matching this pytest -k expression")
    parser.add_argument("--out", type=Path, default=Path("/tmp/tekigo-bench-labgrid"))
    arguments = parser.parse_args()
    devices = [device for _, _, device in UNITS]
    with lab_with(devices), ExitStack() as daemons:
        coordinator = start_benches(daemons)
        started = time.monotonic()
        run_units(coordinator, arguments.out / "places", len(UNITS), arguments.keyword)
        places = time.monotonic() - started
    profiles = [argument for profile, _, _ in UNITS for argument in ("--profile", str(PROFILES / f"{profile}.yaml"))]
    with lab_with(devices):
        one_host, _ = timed_in_tester(
            [sys.executable, "-m", "harness.cli", "run", *profiles, "-n", str(len(UNITS)), "--out",
             str(arguments.out / "one-host"), "--overwrite", *(["-k", arguments.keyword] if arguments.keyword else [])],
            timeout_s=1800)
    same = overall(arguments.out / "places") == overall(arguments.out / "one-host")
    if not same:
        print("the two runs got different verdicts: the times compare unlike runs")
    ratio = places / one_host
    print(f"\n{len(UNITS)} units on places over 2 bench PCs: {places:.0f} s; with -n {len(UNITS)} on one host: "
          f"{one_host:.0f} s ({ratio:.2f}x)")
    print(result_line("labgrid_places_vs_one_host", ratio, GOAL, "<=", comparable=same))
    return 0 if same else 1


def overall(out: Path) -> dict[str, str]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {Path(unit["run_dir"]).name: unit["overall"] for unit in summary["units"]}


if __name__ == "__main__":
    sys.exit(main())
