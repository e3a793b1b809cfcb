"""The tekigo pytest plugin: options, fixtures, markers, and the hook that turns outcomes into verdicts.

Inert unless `--profile` is given, so the harness's own tests run beside it untouched.
"""

import socket
import sys
import time
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from harness import catalogue
from harness.checks import CheckEvidence
from harness.device import Device
from harness.evidence import EvidenceStore, Redactor, Transcript, write_manifest
from harness.power.drivers import power_switch
from harness.power.protocol import PowerSwitch
from harness.profile import DeviceProfile
from harness.profile_loader import ProfileError, load_profile
from harness.report.junit import write_junit
from harness.report.lab_settings import ENVIRONMENT_VARIABLE, LabSettingsError, lab_settings_from_environment
from harness.report.pdf import PdfError
from harness.report.render import ReportRequest, render_reports
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


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tekigo", "tekigo conformance run")
    group.addoption("--profile", metavar="PATH", help="device profile (YAML) of the unit under test")
    group.addoption("--out", dest="tekigo_out", metavar="DIR", help="run folder (default reports/<model>-<time>)")


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
    out = config.getoption("tekigo_out")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = Path(out) if out else Path("reports") / f"{profile.equipment.model}-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    redactor = Redactor(dict(profile.secrets()))
    scope = LabScope(profile.lab.networks, profile.lab.allow_routed)
    run = TekigoRun(profile, run_dir, scope, redactor, EvidenceStore(run_dir, redactor))
    run.guard.enter_context(guard(scope))
    config.stash[RUN_KEY] = run


def _run(config: pytest.Config) -> "TekigoRun":
    if RUN_KEY not in config.stash:
        raise pytest.UsageError("the conformance suite needs a device profile: --profile PATH")
    return config.stash[RUN_KEY]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("interfaces")
    if marker is None or "interface" not in metafunc.fixturenames:
        return
    profile = _run(metafunc.config).profile
    found = [i for i in profile.interfaces if i.kind in marker.args]
    if found:
        metafunc.parametrize("interface", found, ids=[f"{i.kind}:{i.port}" for i in found], indirect=True)
    else:
        kinds = "/".join(marker.args)
        missing = NotApplicable(f"the profile declares no {kinds} interface")
        metafunc.parametrize("interface", [missing], ids=[f"no-{kinds}"], indirect=True)


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> DeviceProfile:
    """The validated declaration of the unit under test."""
    return _run(request.config).profile


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> Device:
    """The unit under test; its credential state carries from one check to the next."""
    run = _run(request.config)
    return Device(run.profile, run.scope, Transcript("setup", run.redactor))


@pytest.fixture(scope="session", autouse=True)
def unit_answers(request: pytest.FixtureRequest) -> None:
    """Before any check: the unit must answer on a declared port, or every check is INCONCLUSIVE at once."""
    if RUN_KEY not in request.config.stash:
        return
    profile = _run(request.config).profile
    address = str(profile.unit.address)
    reasons = []
    for declared in profile.interfaces:
        try:
            socket.create_connection((address, declared.port), timeout=profile.unit.connect_timeout_s).close()
            return
        except OSError as error:
            reasons.append(f"{declared.kind}:{declared.port} {error.strerror or error}")
    raise Inconclusive(f"the unit at {address} did not answer on any declared port ({'; '.join(reasons)})")


@pytest.fixture(scope="session")
def power(profile: DeviceProfile) -> PowerSwitch:
    """The declared power driver."""
    return power_switch(profile.power)


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
        check.close()
        result.evidence, result.findings = check.files, check.findings
    result.seconds = time.monotonic() - item.stash.get(_START_KEY, time.monotonic())
    run.results.append(result)


_START_KEY = pytest.StashKey[float]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_START_KEY] = time.monotonic()


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    """Show each check's verdict (not pytest's passed/failed) as it finishes: the run's progress."""
    verdict = next((str(value) for name, value in report.user_properties if name == "tekigo_verdict"), None)
    if verdict is None or report.when not in ("setup", "call"):
        return None
    letter = {"PASS": "P", "FAIL": "F", "INCONCLUSIVE": "I", "NOT_APPLICABLE": "n"}[verdict]
    return report.outcome, letter, verdict


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the run record, seal it in the manifest, then render the reports from the folder alone."""
    run = session.config.stash.get(RUN_KEY, None)
    if run is None:
        return
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
    record = build_record(run.profile, catalogue.load(), redacted(run.results, run.redactor), run.started, now(),
                          settings.model_dump(mode="json") if settings else None)
    write_record(run.run_dir, record)
    write_junit(run.run_dir, record)
    write_manifest(run.run_dir)
    session.config.stash[RESULT_RECORD_KEY] = record
    if settings_error is not None:
        tell(f"reports not rendered: the lab settings ({ENVIRONMENT_VARIABLE}) are invalid:\n{settings_error}\n"
             f"fix them, then: tekigo report {run.run_dir} --lab-settings FILE", red=True)
        return
    try:
        rendered = render_reports(run.run_dir, ReportRequest())
    except PdfError as error:
        tell(f"report.pdf not rendered: {error}", red=True)
        return
    if rendered.pdf is not None:
        tell(f"report {rendered.report_number}: {rendered.pdf.pages} PDF pages in {rendered.pdf.seconds:.1f} s")


RESULT_RECORD_KEY = pytest.StashKey[dict[str, Any]]()
