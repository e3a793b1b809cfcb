"""The tekigo pytest plugin: options, fixtures, markers, and the hook that turns outcomes into verdicts.

Inert unless `--profile` is given, so the harness's own tests run beside it untouched. Every finished
check is journaled in the run folder as it finishes (harness/journal.py): `--resume` continues a run
that was killed or interrupted, running only the checks that did not finish.
"""

import errno
import sys
import time
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness import catalogue
from harness.checks import CheckEvidence
from harness.device import Device, UnitState
from harness.evidence import DERIVED, MANIFEST, EvidenceStore, Redactor, Transcript, write_manifest
from harness.exits import EXIT_INTERRUPTED, EXIT_RUN_FOLDER_UNWRITABLE
from harness.journal import (
    JOURNAL,
    NotResumable,
    append_result,
    load_unit_state,
    prepare_resume,
    read_invocation,
    save_unit_state,
    start_journal,
)
from harness.power.drivers import power_switch
from harness.power.protocol import PowerSwitch
from harness.profile import DeviceProfile
from harness.profile_loader import ProfileError, load_profile
from harness.reachability import silent_interfaces
from harness.report.junit import write_junit
from harness.report.lab_settings import ENVIRONMENT_VARIABLE, LabSettingsError, lab_settings_from_environment
from harness.run_folder import default_run_dir, earlier_run_files
from harness.run_record import CheckResult, build_record, now, redacted, write_record
from harness.scope import LabScope, guard
from harness.verdict import Inconclusive, NotApplicable, Verdict

RUN_KEY = pytest.StashKey["TekigoRun"]()
CHECK_KEY = pytest.StashKey[CheckEvidence]()
RESULT_KEY = pytest.StashKey[CheckResult]()


@dataclass
class TekigoRun:
    """Everything one run of the suite against one unit shares."""

    profile: DeviceProfile
    run_dir: Path
    scope: LabScope
    redactor: Redactor
    store: EvidenceStore
    started: str = field(default_factory=now)
    results: list[CheckResult] = field(default_factory=list)
    guard: ExitStack = field(default_factory=ExitStack)
    finished: dict[str, CheckResult] = field(default_factory=dict)  # journaled by the run this one resumes
    unit_state: dict[str, Any] | None = None  # the unit's state as the resumed run left it
    selected: list[pytest.Item] = field(default_factory=list)  # the run's checks in the suite's order
    journaled: int = 0  # checks of this session on record in the journal
    interrupted: bool = False
    interruption: str | None = None  # why, when it was not a Ctrl-C (the unit's bench was lost)
    storage_error: str | None = None
    collection_errors: list[str] = field(default_factory=list)  # suite modules pytest could not collect


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tekigo", "tekigo conformance run")
    group.addoption("--profile", metavar="PATH", help="device profile (YAML) of the unit under test")
    group.addoption("--out", dest="tekigo_out", metavar="DIR", help="run folder (default reports/<model>-<time>)")
    group.addoption("--resume", dest="tekigo_resume", action="store_true",
                    help="continue the run in --out: its finished checks are kept, the others run")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(id): the catalogue requirement a check belongs to")
    config.addinivalue_line("markers", "interfaces(*kinds): run once per declared interface of these kinds")
    config.addinivalue_line("markers", "informational: the check's findings are reported; its verdict decides nothing")
    profile_path = config.getoption("profile")
    if not profile_path:
        return
    try:
        profile = load_profile(Path(profile_path))
    except ProfileError as error:
        raise pytest.UsageError(f"invalid device profile:\n{error}") from error
    if config.getoption("continue_on_collection_errors"):
        raise pytest.UsageError("--continue-on-collection-errors would leave the checks of a module that cannot be "
                                "collected out of the verdict")
    out = config.getoption("tekigo_out")
    resume = config.getoption("tekigo_resume")
    if resume and not out:
        raise pytest.UsageError("--resume needs the run folder: --out RUN_DIR")
    run_dir = Path(out) if out else default_run_dir(profile.equipment.model)
    redactor = Redactor(dict(profile.secrets()))
    scope = LabScope(profile.lab.networks, profile.lab.allow_routed)
    earlier = [] if resume else earlier_run_files(run_dir)
    if earlier:
        raise pytest.UsageError(f"{run_dir} holds an earlier run ({', '.join(earlier)}): give another --out, or "
                                "replace it with `tekigo run --overwrite`")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        run = TekigoRun(profile, run_dir, scope, redactor, EvidenceStore(run_dir, redactor))
        if resume:
            run.started = read_invocation(run_dir).started
            run.finished, run.unit_state = prepare_resume(run_dir), load_unit_state(run_dir)
        else:
            start_journal(run_dir)
    except NotResumable as error:
        raise pytest.UsageError(f"cannot resume: {error}") from error
    except OSError as error:
        raise pytest.UsageError(f"cannot write the run folder {run_dir}: {error.strerror or error}") from error
    run.guard.enter_context(guard(scope))
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(_EarlyStops(run), "tekigo-early-stops")


def _run(config: pytest.Config) -> "TekigoRun":
    if RUN_KEY not in config.stash:
        raise pytest.UsageError("the conformance suite needs a device profile: --profile PATH")
    return config.stash[RUN_KEY]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("interfaces")
    if marker is None or "interface" not in metafunc.fixturenames:
        return
    profile = _run(metafunc.config).profile
    with_login = bool(marker.kwargs.get("login"))  # leave out the interfaces declared open (auth: none)
    found = [i for i in profile.interfaces if i.kind in marker.args and not (with_login and i.auth == "none")]
    if found:
        metafunc.parametrize("interface", found, ids=[f"{i.kind}:{i.port}" for i in found], indirect=True)
    else:
        kinds = "/".join(marker.args)
        missing = NotApplicable(f"the profile declares no {kinds} interface" + (" with a login" if with_login else ""))
        metafunc.parametrize("interface", [missing], ids=[f"no-{kinds}"], indirect=True)


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> DeviceProfile:
    """The validated declaration of the unit under test."""
    return _run(request.config).profile


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> Device:
    """The unit under test; its credential state carries from one check to the next."""
    run = _run(request.config)
    device = Device(run.profile, run.scope, Transcript("setup", run.redactor))
    if run.unit_state is not None:
        device.state = UnitState.restored(run.unit_state, run.profile)
    device.state_changed = lambda state: _save_unit_state(run, state)
    return device


def _save_unit_state(run: TekigoRun, state: UnitState) -> None:
    """Record the unit's state at once: a kill in the middle of a check must not lose a password change."""
    try:
        save_unit_state(run.run_dir, state.declared(run.profile))
    except OSError as error:
        run.storage_error = run.storage_error or _unwritable(run, error)


def _unwritable(run: TekigoRun, error: OSError) -> str:
    full = " (its disk is full)" if error.errno in (errno.ENOSPC, errno.EDQUOT) else ""
    return f"the run folder {run.run_dir} could not be written{full}: {error.strerror or error}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Remember the run's checks in the suite's order; on --resume, leave out those already finished."""
    run = config.stash.get(RUN_KEY, None)
    if run is None:
        return
    run.selected = [item for item in items if item.get_closest_marker("requirement")]
    done = [item for item in items if item.nodeid in run.finished]
    if done:
        config.hook.pytest_deselected(items=done)
        items[:] = [item for item in items if item.nodeid not in run.finished]


class _EarlyStops:
    """Tells the run why its session stopped before the checks: Ctrl-C, or suite modules pytest could not collect."""

    def __init__(self, run: TekigoRun) -> None:
        self.run = run

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = [line.strip() for line in report.longreprtext.splitlines() if line.strip()]
            errors = [line[1:].strip() for line in lines if line.startswith("E ")] or lines or ["(no message)"]
            self.run.collection_errors.append(f"{report.nodeid}: {errors[-1][:300]}")

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        from harness.bench.place_run import BenchLost

        self.run.interrupted = not isinstance(excinfo.value, pytest.Session.Interrupted)
        if isinstance(excinfo.value, BenchLost):
            self.run.interruption = str(excinfo.value)


@pytest.fixture(scope="session", autouse=True)
def unit_answers(request: pytest.FixtureRequest) -> None:
    """Before any check: the unit must answer on a declared port, or every check is INCONCLUSIVE at once."""
    if RUN_KEY not in request.config.stash:
        return
    run = _run(request.config)
    reasons = silent_interfaces(run.profile, run.scope, run.redactor)
    if reasons is not None:
        raise Inconclusive(f"the unit at {run.profile.unit.address} did not answer on any declared port "
                           f"({'; '.join(reasons)})")


@pytest.fixture(scope="session")
def power(profile: DeviceProfile) -> PowerSwitch:
    """The declared power driver; on a labgrid place (`tekigo run --place`), the place's power port."""
    from harness.bench.place_run import active_bench

    bench = active_bench()
    return bench.power_switch() if bench is not None else power_switch(profile.power)


@pytest.fixture
def evidence(request: pytest.FixtureRequest, device: Device) -> Iterator[CheckEvidence]:
    """This check's evidence; everything the device's clients exchange lands in its transcript."""
    run = _run(request.config)
    name = request.node.nodeid.rsplit("/", 1)[-1]
    check = CheckEvidence(name, run.store, Transcript(request.node.nodeid, run.redactor))
    request.node.stash[CHECK_KEY] = check
    previous, device.transcript = device.transcript, check.transcript
    yield check
    device.transcript = previous


@pytest.fixture
def interface(request: pytest.FixtureRequest) -> Any:
    """The declared interface this run of the check is for (see the `interfaces` marker)."""
    value = getattr(request, "param", None)
    if isinstance(value, NotApplicable) or value is None:
        raise value or NotApplicable("this check has no interface to run on")
    return value


def _verdict_of(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException] | None, when: str
                ) -> tuple[Verdict, str]:
    """A pass is PASS; an assertion in the check itself is FAIL; anything else never passes.

    Only an assert written in the check's own module is a FAIL: an assertion deep in the harness is
    a harness error, and says nothing about the unit.
    """
    if excinfo is None:
        return Verdict.PASS, ""
    error = excinfo.value
    if isinstance(error, NotApplicable):
        return Verdict.NOT_APPLICABLE, str(error)
    if isinstance(error, Inconclusive):
        return Verdict.INCONCLUSIVE, str(error)
    if isinstance(error, AssertionError) and when == "call" and Path(excinfo.traceback[-1].path) == item.path:
        return Verdict.FAIL, str(error).split("\nassert ")[0].strip() or "assertion failed"
    kind = "timed out" if "Timeout" in str(error) else f"error ({type(error).__name__})"
    return Verdict.INCONCLUSIVE, f"{kind}: {str(error).strip().splitlines()[0][:300] if str(error) else ''}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if RUN_KEY not in item.config.stash or not item.get_closest_marker("requirement"):
        return
    if call.when == "teardown":
        _finish_check(item, report)
        return
    if call.when == "setup" and call.excinfo is None:
        return
    verdict, reason = _verdict_of(item, call.excinfo, call.when)
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        run = item.config.stash[RUN_KEY]
        run.storage_error = run.storage_error or _unwritable(run, error)
    if call.when == "setup" or RESULT_KEY not in item.stash:
        item.stash[RESULT_KEY] = _new_result(item, verdict, reason)
    if verdict is Verdict.NOT_APPLICABLE:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"NOT_APPLICABLE: {reason}")
    report.user_properties.append(("tekigo_verdict", verdict.value))


def _new_result(item: pytest.Item, verdict: Verdict, reason: str) -> CheckResult:
    marker = item.get_closest_marker("requirement")
    assert marker is not None
    callspec = getattr(item, "callspec", None)
    interface = callspec.id if callspec is not None and "interface" in callspec.params else None
    informational = item.get_closest_marker("informational") is not None
    return CheckResult(item.nodeid, marker.args[0], interface, verdict, reason, informational=informational)


def _finish_check(item: pytest.Item, report: pytest.TestReport) -> None:
    run = item.config.stash[RUN_KEY]
    result = item.stash.get(RESULT_KEY, None)
    if result is None:
        return
    if report.failed and result.verdict is Verdict.PASS:
        result.verdict, result.reason = Verdict.INCONCLUSIVE, "error while cleaning up after the check"
    check = item.stash.get(CHECK_KEY, None)
    if check is not None:
        try:
            check.close()
        except OSError as error:
            _run_folder_failed(run, result, error)
        result.evidence, result.findings = check.files, check.findings
    result.seconds = time.monotonic() - item.stash.get(_START_KEY, time.monotonic())
    run.results.append(result)
    if run.storage_error is None:
        try:
            append_result(run.run_dir, redacted([result], run.redactor)[0])
            run.journaled += 1
        except OSError as error:
            _run_folder_failed(run, result, error)
    if run.storage_error:  # not journaled: a resumed run (with space again) runs this check again
        item.session.shouldstop = run.storage_error


def _run_folder_failed(run: TekigoRun, result: CheckResult, error: OSError) -> None:
    """The check's evidence or journal line could not be written: it cannot pass, and the run stops."""
    message = _unwritable(run, error)
    if result.verdict is Verdict.PASS:
        result.verdict, result.reason = Verdict.INCONCLUSIVE, message
    else:
        result.reason = f"{result.reason} ({message})"
    run.storage_error = run.storage_error or message


_START_KEY = pytest.StashKey[float]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_START_KEY] = time.monotonic()


def pytest_report_teststatus(report: pytest.TestReport | pytest.CollectReport,
                             config: pytest.Config) -> tuple[str, str, str] | None:
    """Show each check's verdict (not pytest's passed/failed) as it finishes: the run's progress."""
    properties = getattr(report, "user_properties", ())  # a collection error's report has none
    verdict = next((str(value) for name, value in properties if name == "tekigo_verdict"), None)
    if verdict is None or report.when not in ("setup", "call"):
        return None
    letter = {"PASS": "P", "FAIL": "F", "INCONCLUSIVE": "I", "NOT_APPLICABLE": "n"}[verdict]
    return report.outcome, letter, verdict


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the run record (unfinished checks INCONCLUSIVE), seal it in the manifest, then render the reports
    from the folder alone. Not after a Ctrl-C or when the run folder could not be written: that is said instead."""
    run = session.config.stash.get(RUN_KEY, None)
    if run is None:
        return
    from harness.report.pdf import PdfError  # here, not above: WeasyPrint takes a second to import
    from harness.report.render import ReportRequest, render_reports

    run.guard.close()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")

    def tell(text: str, red: bool = False) -> None:
        if reporter is None:
            print(text, file=sys.stderr)
        else:
            reporter.write_line(text, red=red)

    settings, settings_error = None, None
    try:
        settings = lab_settings_from_environment()
    except LabSettingsError as error:
        settings_error = error
    checks = _in_suite_order(run)
    record = build_record(run.profile, catalogue.load(), redacted(checks, run.redactor), run.started, now(),
                          settings.model_dump(mode="json") if settings else None)
    try:
        _write_sealed_record(run.run_dir, record)
    except OSError as error:
        run.storage_error = run.storage_error or _unwritable(run, error)
    session.config.stash[RESULT_RECORD_KEY] = record
    finished = len(set(run.finished) | {result.nodeid for result in run.results})
    if run.storage_error:
        kept = len(run.finished) + run.journaled
        tell(f"{run.storage_error}\nthe run stopped: {kept} of {len(checks)} checks finished and are kept with their "
             f"evidence ({run.run_dir / JOURNAL}); the others are INCONCLUSIVE and a resumed run runs them again; "
             "reports not rendered", red=True)
        session.exitstatus = EXIT_RUN_FOLDER_UNWRITABLE
        return
    if run.interrupted:
        tell(f"{run.interruption or 'interrupted'}: {finished} of {len(checks)} checks finished; the others are "
             f"INCONCLUSIVE in {run.run_dir / 'results.json'}; reports not rendered", red=True)
        session.exitstatus = EXIT_INTERRUPTED
        return
    if run.collection_errors:
        tell("no check ran: the suite could not be collected:\n  " + "\n  ".join(run.collection_errors), red=True)
    if settings_error is not None:
        tell(f"reports not rendered: the lab settings ({ENVIRONMENT_VARIABLE}) are invalid:\n{settings_error}\n"
             f"fix them, then: tekigo report {run.run_dir} --lab-settings FILE", red=True)
        return
    try:
        rendered = render_reports(run.run_dir, ReportRequest())
    except PdfError as error:
        tell(f"report.pdf not rendered: {error}", red=True)
        return
    except OSError as error:
        tell(f"reports not rendered: {_unwritable(run, error)}", red=True)
        _drop_renderings(run.run_dir)
        session.exitstatus = EXIT_RUN_FOLDER_UNWRITABLE
        return
    if rendered.pdf is not None:
        tell(f"report {rendered.report_number}: {rendered.pdf.pages} PDF pages in {rendered.pdf.seconds:.1f} s")


def _in_suite_order(run: TekigoRun) -> list[CheckResult]:
    """The checks the resumed run finished and those this session finished, in the suite's order; a check
    that did not finish is INCONCLUSIVE, so an interrupted run never reads as a pass."""
    done = run.finished | {result.nodeid: result for result in run.results}
    if run.storage_error:
        reason = f"not run: {run.storage_error}"
    elif run.interrupted:
        reason = f"{run.interruption or 'interrupted (Ctrl-C)'} before this check finished"
    elif run.collection_errors:
        reason = f"not run: the suite could not be collected ({'; '.join(run.collection_errors)})"
    else:
        reason = "not run: the session stopped before this check"
    return [done.get(item.nodeid) or _new_result(item, Verdict.INCONCLUSIVE, reason) for item in run.selected]


def _write_sealed_record(run_dir: Path, record: dict[str, Any]) -> None:
    """results.json, junit.xml and the manifest; a file the disk could not take whole is removed, not left cut
    short, and so is an older manifest that would seal something else."""
    writes = (("results.json", write_record), ("junit.xml", write_junit), (MANIFEST, lambda d, _: write_manifest(d)))
    for name, write in writes:
        try:
            write(run_dir, record)
        except OSError:
            for path in {name, MANIFEST}:
                (run_dir / path).unlink(missing_ok=True)
            raise


def _drop_renderings(run_dir: Path) -> None:
    """Reports a full disk cut short are removed, and the record sealed again without them."""
    for name in DERIVED:
        (run_dir / name).unlink(missing_ok=True)
    try:
        write_manifest(run_dir)
    except OSError:
        (run_dir / MANIFEST).unlink(missing_ok=True)


RESULT_RECORD_KEY = pytest.StashKey[dict[str, Any]]()
