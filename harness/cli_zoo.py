"""`tekigo zoo`: third-party device software (Debian packages) in their factory configuration, judged by the
suite and compared with the verdicts their upstream documentation justifies (device_profiles/zoo/).

Exit status of `zoo run`: 0 every unit got its expected verdicts, 1 some did not, 4 usage error, 70 crash.
"""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from harness.exits import UsageError, exit_help

if TYPE_CHECKING:
    from harness.lab.zoo.units import ZooUnit

ZOO_PROFILES = Path(__file__).resolve().parent.parent / "device_profiles" / "zoo"


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    zoo = commands.add_parser("zoo", help="run the suite on the zoo of third-party units, compare (needs root)",
                              epilog=exit_help("0 run: every zoo unit got the verdicts its profile expects; up, down: "
                                               "done", "1 run: some unit did not"))
    zoo.add_argument("action", choices=["run", "up", "down"],
                     help="run: bring the zoo up, audit every unit, compare, take it down; up, down: only that")
    zoo.add_argument("--out", type=Path, default=Path("reports/zoo"), help="run: folder for the runs")
    zoo.add_argument("--profiles", type=Path, default=ZOO_PROFILES, help="run: folder of the zoo's profiles")
    zoo.add_argument("--unit", action="append", help="run, up: only this zoo unit (repeatable)")
    zoo.add_argument("-n", dest="workers", type=int, default=None, metavar="N",
                     help="run: units audited at once (default: all)")
    zoo.add_argument("--keep", action="store_true", help="run: leave the zoo up afterwards")
    zoo.set_defaults(handler=_zoo)


def _zoo(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.lab import LabError, exclusive_lab
    from harness.lab.zoo import lifecycle

    try:
        with exclusive_lab():  # up and down too: a zoo that `zoo run` is auditing is never cleared under it
            if arguments.action == "down":
                lifecycle.down()
                print("zoo: down")
                return 0
            if arguments.action == "up":
                _announce(lifecycle.up(arguments.unit))
                return 0
            return _run(arguments)
    except LabError as error:
        raise UsageError(str(error)) from error


def _run(arguments: argparse.Namespace) -> int:
    from harness.lab.zoo import lifecycle
    from harness.lab.zoo.profiles import zoo_profiles
    from harness.lab.zoo.topology import ZOO_TESTER
    from harness.selftest import run_selftest
    from harness.summary import render_selftest

    profiles = zoo_profiles(arguments.profiles, arguments.unit)
    try:
        _announce(lifecycle.up(list(profiles.values())))
        outcomes = run_selftest(list(profiles), arguments.out, ZOO_TESTER, arguments.workers)
    finally:
        if not arguments.keep:
            lifecycle.down()
    print(render_selftest(outcomes, "zoo units"))
    return 0 if all(outcome.matches for outcome in outcomes) else 1


def _announce(units: "list[ZooUnit]") -> None:
    from harness.lab.zoo.state import package_version

    for unit in units:
        print(f"zoo: {unit.name:<10} {unit.address:<14} {unit.package} {package_version(unit.package)}", flush=True)
