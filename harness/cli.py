"""The `tekigo` command: run | discover | scan | profile | lab | selftest | report | keygen | sign | verify.

Exit statuses: harness/exits.py (each command's help lists its own).
"""

import argparse
import json
import os
import sys
import typing
from pathlib import Path

from harness import __version__
from harness.exits import (
    EXIT_ALTERED,
    EXIT_BY_VERDICT,
    EXIT_CRASH,
    EXIT_INTERRUPTED,
    EXIT_RUN_FOLDER_UNWRITABLE,
    EXIT_USAGE,
    UsageError,
    exit_help,
)
from harness.netns_exec import reexec_in_namespace
from harness.profile import DeviceProfile
from harness.profile_loader import ProfileError, load_profile, profile_schema, upgraded_profile
from harness.run_record import SCHEMA, read_record
from harness.scope import LabScope, OutOfScope
from harness.summary import render_run, render_selftest

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        extra, argv = argv[argv.index("--") + 1 :], argv[: argv.index("--")]
    arguments = _parser().parse_args(argv)
    arguments.command_line = [*argv, *(["--", *extra] if extra else [])]
    try:
        code: int = arguments.handler(arguments, extra)
        return code
    except UsageError as error:
        print(f"tekigo: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("tekigo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line here, the traceback in the log, and a status that is no verdict
        from harness.crash_log import write_crash_log

        print(f"tekigo: internal error ({type(error).__name__}: {error}); please report it with the traceback "
              f"in {write_crash_log()}", file=sys.stderr)
        return EXIT_CRASH


class _Parser(argparse.ArgumentParser):
    """argparse exiting 4 on a usage error: its own 2 would read as INCONCLUSIVE from `tekigo run`."""

    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tekigo", description="TER Art. 34-10 conformance test harness. `tekigo run --profile A.yaml "
                     "[--profile B.yaml ...]` audits one unit, or several at once (one run folder each).",
                     epilog=f"Each command's help says its exit statuses (`tekigo COMMAND --help`); for every command "
                     f"{EXIT_USAGE} is a usage or input error and {EXIT_CRASH} a failure of tekigo itself (the message "
                     "names the log with its traceback).")
    parser.add_argument("--version", action="version", version=f"tekigo {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the suite against one unit, or several (repeat --profile)",
                              epilog=exit_help("0 conformant", "1 non-conformant", "2 inconclusive",
                                               "3 declared exempt", f"{EXIT_INTERRUPTED} interrupted (Ctrl-C)",
                                               after="With several units: 1 if any is non-conformant, else 2 if "
                                               "any is inconclusive. Arguments after `--` go to pytest."))
    run.add_argument("--profile", type=Path, action="append", metavar="PATH",
                     help="device profile (YAML); repeat it to audit several units, one run folder each under --out")
    run.add_argument("--resume", type=Path, metavar="RUN_DIR",
                     help="continue a killed or interrupted run: its finished checks are kept, the others run "
                     "(same profile and selection; give no --profile, --out, --overwrite or -k)")
    run.add_argument("-n", dest="workers", type=int, default=1, metavar="N", help="units audited at once (default 1)")
    run.add_argument("--out", type=Path, metavar="DIR",
                     help="run folder (default reports/<model>-<time>); refused when it is not empty, unless "
                     "--overwrite")
    run.add_argument("--overwrite", action="store_true",
                     help="reuse a non-empty --out: the files of the run in it are replaced, all others kept")
    run.add_argument("-k", dest="keyword", help="only checks matching this pytest -k expression")
    run.add_argument("--netns", help="run inside this network namespace (e.g. tekigo-tester; needs root)")
    run.add_argument("--place", action="append", metavar="NAME",
                     help="run the unit on this labgrid place (reserved and locked at the coordinator, its power "
                     "from the place's resources); repeat it, one per --profile in the same order")
    run.add_argument("--coordinator", metavar="HOST[:PORT]",
                     default=os.environ.get("LG_COORDINATOR", "127.0.0.1:20408"),
                     help="the labgrid coordinator holding the places (default $LG_COORDINATOR, else 127.0.0.1:20408)")
    run.set_defaults(handler=_run)

    profile = commands.add_parser("profile", help="validate a profile, upgrade it to format 2, or print the schema",
                                  epilog=exit_help("0 done"))
    profile_commands = profile.add_subparsers(required=True, metavar="ACTION")
    validate = profile_commands.add_parser("validate", help="check a profile; one line per problem",
                                           epilog=exit_help("0 the profile is valid",
                                                            after="An invalid profile exits 4, one line per problem "
                                                            "with file, line and field."))
    validate.add_argument("path", type=Path, metavar="PATH", help="the device profile (YAML) to check")
    validate.set_defaults(handler=_profile_validate)
    profile_commands.add_parser("schema", help="print the JSON Schema",
                                epilog=exit_help("0 printed")).set_defaults(handler=_profile_schema)
    upgrade = profile_commands.add_parser("upgrade", help="print a format-1 profile as format 2 (secret references "
                                                          "kept as written, comments not kept)",
                                          epilog=exit_help("0 printed", after="An invalid profile exits 4, one "
                                                           "line per problem with file, line and field."))
    upgrade.add_argument("path", type=Path, metavar="PATH", help="the device profile (YAML) to upgrade")
    upgrade.set_defaults(handler=_profile_upgrade)

    lab = commands.add_parser("lab", help="manage the reference lab (needs root)",
                              epilog=exit_help("0 done", after="A lab that cannot be brought up exits 4 with the "
                                               "reason."))
    lab.add_argument("action", choices=["up", "down", "status", "build-image"], metavar="ACTION",
                     help="up: start the lab (namespaces, bridge, reference devices); down: remove all of it; "
                     "status: what runs; build-image: build the QEMU firmware images")
    lab.add_argument("--variant", action="append", help="build-image: only this firmware variant (repeatable)")
    lab.add_argument("--clones", type=int, default=0, choices=range(9), metavar="N",
                     help="up: also start N copies of r1 (r1x1.., 198.18.0.21..; N at most 8)")
    lab.set_defaults(handler=_lab)

    selftest = commands.add_parser("selftest", help="run the suite on every reference device, compare",
                                   epilog=exit_help("0 every device got the verdicts its profile expects",
                                                    "1 some did not"))
    selftest.add_argument("--out", type=Path, default=Path("reports/selftest"), metavar="DIR",
                          help="folder for the runs, one per profile (default reports/selftest); a run's files left "
                          "there by an earlier selftest are replaced")
    selftest.add_argument("--profiles", type=Path, default=REPO / "device_profiles" / "reference", metavar="DIR",
                          help="folder of the reference devices' profiles (*.yaml, each with its expected verdicts; "
                          "default device_profiles/reference)")
    selftest.add_argument("--keep-lab", action="store_true", help="leave the lab up afterwards")
    selftest.set_defaults(handler=_selftest)

    _add_report_commands(commands)
    from harness.cli_discover import add_commands
    from harness.cli_zoo import add_commands as add_zoo_commands

    add_commands(commands)
    add_zoo_commands(commands)
    return parser


def _add_report_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    report = commands.add_parser("report", help="render the reports of a run folder (again)",
                                 epilog=exit_help("0 rendered", "1 the run folder does not match its manifest",
                                                  after="A results.json that is not a sound record exits 4 naming the "
                                                  "field. Lab settings: --lab-settings, else those the run recorded, "
                                                  "else $TEKIGO_LAB_SETTINGS."))
    report.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                        help="the run folder (`tekigo run --out`); report.html and report.pdf are written into it")
    report.add_argument("--format", dest="formats", metavar="FORMATS", type=_formats, default=("html", "pdf"),
                        help="html, pdf or html,pdf (default)")
    report.add_argument("--lang", choices=["ja", "en", "both"], default="both", help="language (default both)")
    report.add_argument("--lab-settings", type=Path, metavar="FILE", help="lab settings file (YAML)")
    report.add_argument("--report-number", metavar="NUMBER", help="the report number (default PREFIX-DATE-SEAL)")
    report.add_argument("--applicant", metavar="NAME", help="the applicant's name (overrides the lab settings)")
    report.set_defaults(handler=_report)

    keygen = commands.add_parser("keygen", help="make an Ed25519 key pair for signing runs",
                                 epilog=exit_help("0 written", after="An existing key is never overwritten (4)."))
    keygen.add_argument("key", type=Path, metavar="KEY",
                        help="private key file to write; the public key goes to KEY.pub")
    keygen.set_defaults(handler=_keygen)

    sign = commands.add_parser("sign", help="sign the manifest of a run folder (Ed25519)",
                               epilog=exit_help("0 signed", "1 the run folder does not match its manifest"))
    sign.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the run folder whose manifest is signed "
                      "(manifest.sig is written into it)")
    sign.add_argument("--key", type=Path, required=True, help="private key from `tekigo keygen`")
    sign.set_defaults(handler=_sign)

    verify = commands.add_parser("verify", help="check a run folder against its manifest and signature",
                                 epilog=exit_help("0 intact", "1 a file changed, is missing or was added, the "
                                                  "record is missing, the signature does not hold or is another "
                                                  "key's"))
    verify.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the run folder to check (nothing is written)")
    verify.add_argument("--pubkey", type=Path, metavar="KEY.pub", help="the public key the run must be signed with")
    verify.set_defaults(handler=_verify)


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(part.strip() for part in text.split(",") if part.strip())
    if not formats or set(formats) - {"html", "pdf"}:
        raise argparse.ArgumentTypeError(f"expected html, pdf or html,pdf, got {text!r}")
    return formats


def _load(path: Path, *, check_files: bool = False):  # type: ignore[no-untyped-def]
    try:
        return load_profile(path, check_files=check_files)
    except ProfileError as error:
        raise _invalid(error) from error


def _invalid(error: ProfileError) -> UsageError:
    count = len(error.problems)
    return UsageError(f"invalid device profile ({count} problem{'s' * (count > 1)}):\n{error}")


def _run(arguments: argparse.Namespace, extra: list[str]) -> int:
    if arguments.resume is not None:
        return _resume(arguments, extra)
    if not arguments.profile:
        raise UsageError("the run needs the unit's device profile: --profile PATH (or --resume RUN_DIR)")
    if len(arguments.profile) > 1:
        return _run_units(arguments, extra)
    path = arguments.profile[0]
    profile = _load(path)
    if arguments.netns:
        reexec_in_namespace(arguments.netns, arguments.command_line)
    _check_scope(profile)
    [place] = _places(arguments, [profile])
    from harness.journal import Invocation, profile_digest, write_invocation
    from harness.run_folder import claim_run_dir, default_run_dir
    from harness.run_record import now

    out = arguments.out or default_run_dir(profile.equipment.model)
    selection = [*(["-k", arguments.keyword] if arguments.keyword else []), *extra]
    try:
        claim_run_dir(out, arguments.overwrite)
        out.mkdir(parents=True, exist_ok=True)
        write_invocation(out, Invocation(str(path.resolve()), profile_digest(path), selection, now()))
    except OSError as error:
        raise UsageError(f"cannot write the run folder {out}: {error.strerror or error}") from error
    if place is None:
        return _run_suite(path, out, selection, resume=False)
    return _run_on_place(place, arguments.coordinator, path, out, selection)


def _places(arguments: argparse.Namespace, profiles: "list[DeviceProfile]") -> list[str | None]:
    """The labgrid place of each unit: from --place (one per --profile, in order), else the profile's power."""
    from harness.profile import LabgridPowerSettings

    if arguments.place and len(arguments.place) != len(profiles):
        raise UsageError(f"{len(arguments.place)} --place for {len(profiles)} --profile: give one place per profile")
    places = arguments.place or [p.power.place if isinstance(p.power, LabgridPowerSettings) else None
                                 for p in profiles]
    named = [place for place in places if place]
    if len(set(named)) != len(named):
        raise UsageError(f"a place can hold one unit at a time: {', '.join(sorted(named))}")
    if named:
        _check_coordinator(arguments.coordinator, profiles)
    return places


def _check_coordinator(coordinator: str, profiles: "list[DeviceProfile]") -> None:
    """The coordinator is on loopback or on a lab network every profile declares: nothing else is contacted."""
    import ipaddress

    host = coordinator[1:].partition("]")[0] if coordinator.startswith("[") else coordinator.partition(":")[0]
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError as error:
        raise UsageError(f"--coordinator {coordinator}: give the coordinator's IP address, not a name") from error
    for profile in profiles:
        try:
            LabScope(profile.lab.networks, profile.lab.allow_routed).check(host)
        except OutOfScope as error:
            raise UsageError(f"refusing to reach the coordinator {coordinator}: {error}") from error


def _run_on_place(place: str, coordinator: str, profile: Path, out: Path, selection: list[str]) -> int:
    """The suite with `place` held at the coordinator; a place someone else holds is reported, never taken."""
    from harness.bench.lease import PlaceError, PlaceHeld
    from harness.bench.place_run import held_place
    from harness.bench.session import CoordinatorError

    try:
        with held_place(place, coordinator, out) as bench:
            print(f"tekigo: place {place} held at {coordinator} (exporters {', '.join(bench.exporters())})")
            code = _run_suite(profile, out, selection, resume=False)
            if bench.lost:
                print(f"tekigo: {bench.lost}: the unit's run is INCONCLUSIVE", file=sys.stderr)
                return EXIT_BY_VERDICT["INCONCLUSIVE"]
            return code
    except PlaceHeld as error:
        print(f"tekigo: {error}: the unit was not run", file=sys.stderr)
        return EXIT_BY_VERDICT["INCONCLUSIVE"]
    except (PlaceError, CoordinatorError) as error:
        raise UsageError(str(error)) from error


def _resume(arguments: argparse.Namespace, extra: list[str]) -> int:
    """Continue the run in RUN_DIR with the profile and selection it was started with."""
    from harness.journal import NotResumable, check_resumable, check_same_profile, read_invocation

    if arguments.profile or arguments.out or arguments.overwrite or arguments.keyword or extra:
        raise UsageError("--resume continues a run as it was started: give no --profile, --out, --overwrite, -k "
                         "or pytest arguments")
    try:
        invocation = read_invocation(arguments.resume)
        path = check_same_profile(invocation)
        check_resumable(arguments.resume)
    except NotResumable as error:
        raise UsageError(f"cannot resume: {error}") from error
    profile = _load(path)
    if arguments.netns:
        reexec_in_namespace(arguments.netns, arguments.command_line)
    _check_scope(profile)
    return _run_suite(path, arguments.resume, invocation.pytest_args, resume=True)


def _check_scope(profile: DeviceProfile) -> None:
    try:
        LabScope(profile.lab.networks, profile.lab.allow_routed).check(str(profile.unit.address))
    except OutOfScope as error:
        raise UsageError(f"refusing to test {profile.unit.address}: {error}") from error


# The suite loads the plugins it needs and no other pytest plugin installed beside it: a run's verdicts must not
# depend on what else is in the environment. tekigo's own plugin is handed over as the module already imported
# (named by `-p`, or autoloaded, pytest would warn in every run's output that it cannot rewrite its asserts).
# A mark no loaded plugin knows stops the run instead of being ignored: a lost timeout would let a check hang.
SUITE_PLUGIN_OPTIONS = ["--disable-plugin-autoload", "-p", "pytest_timeout", "-p", "no:cacheprovider",
                        "--strict-markers"]


def _run_suite(profile: Path, out: Path, selection: list[str], resume: bool) -> int:
    """The suite under pytest against one unit, its record in `out`; the exit status by the equipment verdict."""
    import pytest

    import testcases
    from harness import pytest_plugin

    suite = Path(testcases.__file__).parent / "ter_34_10"
    pytest_args = [str(suite), "--profile", str(profile), "--out", str(out), *(["--resume"] if resume else []),
                   *SUITE_PLUGIN_OPTIONS, "-v", "--no-header", "--tb=no", "-rN", f"--rootdir={REPO}"]
    code = pytest.main([*pytest_args, *selection], plugins=[pytest_plugin])
    if code == pytest.ExitCode.USAGE_ERROR:  # pytest printed why; nothing was sent
        return EXIT_USAGE
    readable = (out / "results.json").exists()
    if code == EXIT_RUN_FOLDER_UNWRITABLE:
        if readable:
            print(render_run(read_record(out), out))
        print(f"tekigo: the run is INCONCLUSIVE: its folder {out} could not be written (see above). "
              f"Free space, then continue it: tekigo run --resume {out}", file=sys.stderr)
        return EXIT_BY_VERDICT["INCONCLUSIVE"]
    if not readable:
        raise UsageError("the suite did not produce results (see pytest's message above)")
    record = read_record(out)
    print(render_run(record, out))
    if code == EXIT_INTERRUPTED:
        print(f"tekigo: interrupted; the unfinished checks are INCONCLUSIVE. Continue the run with: "
              f"tekigo run --resume {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_BY_VERDICT[record["verdict"]]


def _run_units(arguments: argparse.Namespace, extra: list[str]) -> int:
    """Several profiles: every one checked first (nothing is sent if one is bad), then `-n` units at a time."""
    import time

    from harness.parallel import combined_exit, render_units, run_folders, run_units, write_summary
    from harness.run_folder import REPORTS, claim_units_dir

    if arguments.workers < 1:
        raise UsageError("-n must be at least 1")
    profiles = [(path, _load(path)) for path in arguments.profile]
    if arguments.netns:
        reexec_in_namespace(arguments.netns, arguments.command_line)
    addresses: dict[str, Path] = {}
    for path, profile in profiles:
        try:
            LabScope(profile.lab.networks, profile.lab.allow_routed).check(str(profile.unit.address))
        except OutOfScope as error:
            raise UsageError(f"refusing to test {profile.unit.address} ({path}): {error}") from error
        if str(profile.unit.address) in addresses:
            raise UsageError(f"{path} and {addresses[str(profile.unit.address)]} name the same unit "
                             f"{profile.unit.address}; one run per unit")
        addresses[str(profile.unit.address)] = path
    places = _places(arguments, [profile for _, profile in profiles])
    out = arguments.out or REPORTS / f"units-{_stamp()}"
    try:
        claim_units_dir(out, run_folders(arguments.profile, out), arguments.overwrite)
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot write the run folder {out}: {error.strerror or error}") from error
    started = time.monotonic()
    runs = run_units(arguments.profile, out, arguments.workers,
                     [*(["-k", arguments.keyword] if arguments.keyword else []), *extra],
                     places, arguments.coordinator)
    seconds = time.monotonic() - started
    print(render_units(runs, seconds))
    print(f"  summary: {write_summary(out, runs, seconds)}")
    return combined_exit(runs)


def _stamp() -> str:
    from datetime import datetime

    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _profile_validate(arguments: argparse.Namespace, extra: list[str]) -> int:
    profile = _load(arguments.path, check_files=True)
    print(f"{arguments.path}: valid profile for {profile.equipment.name} ({profile.equipment.model})")
    return 0


def _profile_upgrade(arguments: argparse.Namespace, extra: list[str]) -> int:
    import yaml

    try:
        document = upgraded_profile(arguments.path)
    except ProfileError as error:
        raise _invalid(error) from error
    print(f"# {arguments.path} as profile format 2 (written by `tekigo profile upgrade`)")
    print(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120), end="")
    return 0


def _profile_schema(arguments: argparse.Namespace, extra: list[str]) -> int:
    print(json.dumps(profile_schema(), indent=2, ensure_ascii=False))
    return 0


def _lab(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness import lab
    from harness.lab.qemu.build import build as build_image
    from harness.lab.qemu.reference import QEMU_UNITS

    try:
        if arguments.action == "up":
            from harness.lab.devices import CLONES, DEVICES

            devices = [*DEVICES, *list(CLONES)[: arguments.clones]] if arguments.clones else None
            print(lab.up(devices, qemu=list(QEMU_UNITS)).render())
        elif arguments.action == "build-image":
            build_image(arguments.variant)
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
    from harness.lab.devices import devices_powered_in
    from harness.lab.qemu.reference import units_for_machines
    from harness.profile import NetnsPowerSettings, QemuPowerSettings
    from harness.selftest import run_selftest

    profiles = sorted(arguments.profiles.glob("*.yaml"))
    if not profiles:
        raise UsageError(f"no reference profiles in {arguments.profiles}")
    powers = [_load(path).power for path in profiles]
    qemu = units_for_machines([p.machine for p in powers if isinstance(p, QemuPowerSettings)])
    devices = devices_powered_in([p.namespace for p in powers if isinstance(p, NetnsPowerSettings)])
    try:
        with lab.exclusive_lab():
            try:
                print(lab.up(devices, qemu=qemu).render(), flush=True)
                outcomes = run_selftest(profiles, arguments.out)
            finally:
                if not arguments.keep_lab:
                    lab.down()
    except lab.LabError as error:
        raise UsageError(str(error)) from error
    print(render_selftest(outcomes))
    return 0 if all(outcome.matches for outcome in outcomes) else 1


def _run_folder(run_dir: Path) -> Path:
    if not (run_dir / "results.json").is_file():
        raise UsageError(f"{run_dir} is not a run folder (it has no results.json)")
    return run_dir


def _report(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.record_schema import RecordError
    from harness.report.lab_settings import LabSettingsError, Party, lab_settings_from_environment, load_lab_settings
    from harness.report.pdf import PdfError
    from harness.report.render import ReportRequest, RunAltered, render_reports

    run_dir = _run_folder(arguments.run_dir)
    try:
        settings = load_lab_settings(arguments.lab_settings) if arguments.lab_settings else None
        default = None if settings else lab_settings_from_environment()
    except LabSettingsError as error:
        raise UsageError(f"invalid lab settings:\n{error}") from error
    request = ReportRequest(formats=arguments.formats, language=arguments.lang, settings=settings,
                            default_settings=default, report_number=arguments.report_number,
                            applicant=Party(name=arguments.applicant) if arguments.applicant else None)
    try:
        rendered = render_reports(run_dir, request)
    except RunAltered as error:
        print(f"tekigo: refusing to render: {run_dir} does not match its manifest:\n{error}", file=sys.stderr)
        return EXIT_ALTERED
    except RecordError as error:
        raise UsageError(f"cannot render the report of {run_dir}: its results.json is not a {SCHEMA} "
                         f"record:\n{error}") from error
    except (PdfError, ValueError, KeyError) as error:
        raise UsageError(f"cannot render the report of {run_dir}: {error}") from error
    print("\n".join(str(path) for path in rendered.paths))
    if rendered.pdf is not None:
        print(f"report {rendered.report_number}: {rendered.pdf.pages} PDF pages in {rendered.pdf.seconds:.1f} s")
    return 0


def _keygen(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.signing import KeyFileError, generate_key, key_id, load_public_key

    try:
        public = generate_key(arguments.key)
    except KeyFileError as error:
        raise UsageError(str(error)) from error
    print(f"private key: {arguments.key} (keep it secret: it signs runs)")
    print(f"public key:  {public} ({key_id(load_public_key(public))}; give it to whoever verifies)")
    return 0


def _sign(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.integrity import check_run
    from harness.signing import KeyFileError, key_id, load_private_key, sign_run

    run_dir = _run_folder(arguments.run_dir)
    try:
        key = load_private_key(arguments.key)
    except KeyFileError as error:
        raise UsageError(str(error)) from error
    check = check_run(run_dir)
    if check.manifest is None or check.problems:
        print("\n".join(str(problem) for problem in check.problems))
        print(f"refusing to sign: {run_dir} does not match its manifest", file=sys.stderr)
        return EXIT_ALTERED
    path = sign_run(run_dir, check.manifest, key)
    print(f"signed: {path} (sealed sha256 {check.manifest.sealed_sha256}, key {key_id(key.public_key())})")
    return 0


def _verify(arguments: argparse.Namespace, extra: list[str]) -> int:
    from harness.integrity import check_run
    from harness.signing import KeyFileError, check_signature, load_public_key

    run_dir = arguments.run_dir
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir} is not a folder")
    try:
        trusted = load_public_key(arguments.pubkey) if arguments.pubkey else None
    except KeyFileError as error:
        raise UsageError(str(error)) from error
    check = check_run(run_dir)
    problems, signer = list(check.problems), None
    if check.manifest is not None:
        signature = check_signature(run_dir, check.manifest, trusted)
        problems, signer = problems + signature.problems, signature.signer
    for problem in problems:
        print(problem)
    if check.manifest is not None and problems and all(problem.kind == "key" for problem in problems):
        print(f"WRONG KEY: the files of {run_dir} match the manifest and its signature, but it was signed with "
              "another key than --pubkey")
        return EXIT_ALTERED
    if problems or check.manifest is None:
        print(f"NOT INTACT: {len(problems)} problem{'s' * (len(problems) != 1)} in {run_dir}")
        return EXIT_ALTERED
    print(f"intact: {len(check.manifest.files)} files match the manifest "
          f"(sealed sha256 {check.manifest.sealed_sha256})")
    if signer is None:
        print("signature: none (the run is not signed)")
    else:
        whose = "the given public key" if trusted else "not checked against a trusted key: give --pubkey"
        print(f"signature: good, key {signer} ({whose})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
