"""The `tekigo` command: run | profile | lab | selftest.

Exit status of `run` (and `selftest`): 0 conformant, 1 non-conformant (any FAIL), 2 inconclusive,
4 usage or profile error (nothing was sent to any unit).
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from harness.profile_loader import ProfileError, load_profile, profile_schema
from harness.run_record import read_record
from harness.scope import LabScope, OutOfScope
from harness.summary import render_run, render_selftest

EXIT_BY_VERDICT = {"PASS": 0, "FAIL": 1, "INCONCLUSIVE": 2}
EXIT_USAGE = 4
REPO = Path(__file__).resolve().parent.parent


class UsageError(Exception):
    """Something the user must fix before anything is sent; exit status 4."""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        extra, argv = argv[argv.index("--") + 1 :], argv[: argv.index("--")]
    arguments = _parser().parse_args(argv)
    try:
        code: int = arguments.handler(arguments, extra)
        return code
    except UsageError as error:
        print(f"tekigo: {error}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tekigo", description="TER Art. 34-10 conformance test harness")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the suite against one unit",
                              epilog="Exit status: 0 conformant, 1 non-conformant, 2 inconclusive, 4 usage error. "
                              "Arguments after `--` go to pytest.")
    run.add_argument("--profile", required=True, type=Path, help="device profile (YAML)")
    run.add_argument("--out", type=Path, help="run folder (default reports/<model>-<time>)")
    run.add_argument("-k", dest="keyword", help="only checks matching this pytest -k expression")
    run.add_argument("--netns", help="run inside this network namespace (e.g. tekigo-tester; needs root)")
    run.set_defaults(handler=_run)

    profile = commands.add_parser("profile", help="validate a profile or print the profile schema")
    profile_commands = profile.add_subparsers(required=True, metavar="ACTION")
    validate = profile_commands.add_parser("validate", help="check a profile; one line per problem")
    validate.add_argument("path", type=Path)
    validate.set_defaults(handler=_profile_validate)
    profile_commands.add_parser("schema", help="print the JSON Schema").set_defaults(handler=_profile_schema)

    lab = commands.add_parser("lab", help="manage the reference lab (needs root)")
    lab.add_argument("action", choices=["up", "down", "status"])
    lab.set_defaults(handler=_lab)

    selftest = commands.add_parser("selftest", help="run the suite on every reference device, compare")
    selftest.add_argument("--out", type=Path, default=Path("reports/selftest"), help="folder for the runs")
    selftest.add_argument("--profiles", type=Path, default=REPO / "device_profiles" / "reference")
    selftest.add_argument("--keep-lab", action="store_true", help="leave the lab up afterwards")
    selftest.set_defaults(handler=_selftest)

    return parser


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return load_profile(path)
    except ProfileError as error:
        raise UsageError(f"invalid device profile ({len(error.problems)} problems):\n{error}") from error


def _run(arguments: argparse.Namespace, extra: list[str]) -> int:
    profile = _load(arguments.profile)
    if arguments.netns:
        return _reexec_in_namespace(arguments.netns)
    try:
        LabScope(profile.lab.networks, profile.lab.allow_routed).check(str(profile.unit.address))
    except OutOfScope as error:
        raise UsageError(f"refusing to test {profile.unit.address}: {error}") from error
    import pytest

    import testcases

    out = arguments.out or Path("reports") / f"{profile.equipment.model}-{_stamp()}"
    if (out / "results.json").exists():
        shutil.rmtree(out)
    suite = Path(testcases.__file__).parent / "ter_34_10"
    pytest_args = [str(suite), "--profile", str(arguments.profile), "--out", str(out),
                   "-p", "no:cacheprovider", "-v", "--no-header", "--tb=no", "-rN", f"--rootdir={REPO}"]
    if arguments.keyword:
        pytest_args += ["-k", arguments.keyword]
    pytest.main([*pytest_args, *extra])
    if not (out / "results.json").exists():
        raise UsageError("the suite did not produce results (see pytest's message above)")
    record = read_record(out)
    print(render_run(record, out))
    return EXIT_BY_VERDICT[record["verdict"]]


def _reexec_in_namespace(namespace: str) -> int:
    if os.geteuid() != 0:
        raise UsageError("--netns needs root (it enters a network namespace)")
    argv = sys.argv[1:]
    index = argv.index("--netns")
    argv = argv[:index] + argv[index + 2 :]
    command = ["ip", "netns", "exec", namespace, sys.executable, "-m", "harness.cli", *argv]
    os.execvp("ip", command)


def _stamp() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _profile_validate(arguments: argparse.Namespace, extra: list[str]) -> int:
    profile = _load(arguments.path)
    print(f"{arguments.path}: valid profile for {profile.equipment.name} ({profile.equipment.model})")
    return 0


def _profile_schema(arguments: argparse.Namespace, extra: list[str]) -> int:
    print(json.dumps(profile_schema(), indent=2, ensure_ascii=False))
    return 0


def _lab(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness import lab

    try:
        if arguments.action == "up":
            print(lab.up().render())
        elif arguments.action == "down":
            lab.down()
            print("lab: down")
        else:
            print(lab.status().render())
    except lab.LabError as error:
        raise UsageError(str(error)) from error
    return 0


def _selftest(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness import lab
    from harness.selftest import run_selftest

    profiles = sorted(arguments.profiles.glob("*.yaml"))
    if not profiles:
        raise UsageError(f"no reference profiles in {arguments.profiles}")
    try:
        print(lab.up().render(), flush=True)
        outcomes = run_selftest(profiles, arguments.out)
    except lab.LabError as error:
        raise UsageError(str(error)) from error
    finally:
        if not arguments.keep_lab:
            lab.down()
    print(render_selftest(outcomes))
    return 0 if all(outcome.matches for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
