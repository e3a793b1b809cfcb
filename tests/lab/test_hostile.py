"""The hostile unit and injected faults: the affected checks are FAIL (forbidden behaviour really shown) or
INCONCLUSIVE with the reason, never PASS; the equipment verdict follows the rule; every case ends by its
deadline and leaves no process behind; the report shows hostile strings as text.

One lab for the module: the bridge, the tester and the hostile unit x1 (198.18.0.31) only. Each case
boots x1 with one misbehaviour per service (to keep the runs few) and runs `tekigo run --netns
tekigo-tester -k ...` with just the checks they affect.
"""

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness import lab
from harness.lab import hostile
from harness.lab.lifecycle import clear
from harness.lab.namespaces import create_lan, lab_namespaces, run
from harness.lab.topology import TESTER

from ..conftest import REPO

PROFILE = REPO / "device_profiles" / "hostile" / "x1-hostile.yaml"
TELNET_LOGIN = "test_telnet_asks_for_a_login"
UNAUTHENTICATED_READS = "test_protected_settings_refuse_unauthenticated_reads"
POWER_CUT = "test_password_settings_and_update_survive_a_power_cut"
FIRST_USE = "test_factory_default_refused_after_first_use"
SWEEP = "test_dictionary_sweep_finds_no_login"
HOSTILE_MARKUP = '<script>alert("x1")</script>'
BLACKHOLE_MAC = "02:00:00:de:ad:31"


def tls_profile(text: str) -> str:
    """The web admin declared on HTTPS (x1 serves it with an expired, self-signed certificate for another name)."""
    return text.replace("  - kind: http\n    port: 80\n", "  - kind: http\n    port: 443\n    tls: true\n")


def power_in_absent_namespace(text: str) -> str:
    """A driver that raises: its namespace does not exist."""
    return text.replace("namespace: tekigo-x1", "namespace: tekigo-x9")


def power_in_empty_namespace(text: str) -> str:
    """A driver that reports success while the unit never goes down: it switches an empty namespace."""
    return text.replace("namespace: tekigo-x1", "namespace: tekigo-x2").replace(
        "boot: /var/lib/tekigo-lab/x1/boot", "boot: /bin/true")


@dataclass(frozen=True)
class Expect:
    """What one check must get: its verdict and a pattern its reason matches; `select` picks it for `-k`."""

    check: str
    verdict: str
    reason: str = ""
    select: str = ""

    @property
    def keyword(self) -> str:
        return f"({self.select or self.check})"


@dataclass(frozen=True)
class Case:
    """One boot of x1 with a misbehaviour per service (and maybe a faulty driver), and what each check must get."""

    name: str
    modes: tuple[str, ...]
    expected: tuple[Expect, ...]
    deadline_s: float = 40.0
    profile: Callable[[str], str] = field(default=lambda text: text)


CASES = [
    Case("huge banner; never back after a power cut", ("huge-banner", "never-back"), (
        Expect(TELNET_LOGIN, "INCONCLUSIVE", "neither a login prompt nor a shell"),
        Expect(POWER_CUT, "INCONCLUSIVE", "did not come back"))),
    Case("binary banner and a shell; script in titles and headers; reboot loop",
         ("binary-banner", "script-title", "reboot-loop"), (
             Expect(TELNET_LOGIN, "FAIL", "a shell answered without any login"),
             Expect(UNAUTHENTICATED_READS, "FAIL", "served without authentication"),
             Expect(POWER_CUT, "INCONCLUSIVE", "stopped answering"))),
    Case("telnet option flood; invalid TLS certificate; power driver raises", ("telnet-flood", "tls-invalid"), (
        Expect(TELNET_LOGIN, "INCONCLUSIVE", "neither a login prompt nor a shell"),
        Expect(UNAUTHENTICATED_READS, "FAIL", "served without authentication"),
        Expect(POWER_CUT, "INCONCLUSIVE", "power driver: namespace 'tekigo-x9' is not there")),
        profile=lambda text: power_in_absent_namespace(tls_profile(text))),
    Case("one byte a second", ("drip",), (
        Expect(TELNET_LOGIN, "INCONCLUSIVE", "neither a login prompt nor a shell"),
        Expect(UNAUTHENTICATED_READS, "INCONCLUSIVE", "no complete answer within"))),
    Case("reset in the middle of a web login; unreachable in the middle of a telnet login",
         ("reset-login", "link-drop"), (
             Expect(FIRST_USE, "INCONCLUSIVE", "POST /api/login .*: reset", select=f"{FIRST_USE} and http"),
             Expect(TELNET_LOGIN, "INCONCLUSIVE", "fell silent before answering a login"))),
    Case("redirect loop; daemon exits mid-test", ("redirect-loop", "exit-mid-test"), (
        Expect(UNAUTHENTICATED_READS, "INCONCLUSIVE", "neither served nor refused"),
        # The second connection races the exit: refused once the daemon is gone, reset when it was still
        # queued on the listening socket as the daemon died.
        Expect(TELNET_LOGIN, "INCONCLUSIVE", "Connection refused|Connection reset|no login prompt"))),
    Case("lockout after 3 failed logins, hiding a dictionary credential", ("lockout",), (
        Expect(SWEEP, "INCONCLUSIVE", "locked out", select=f"{SWEEP} and http"),)),
    Case("power driver reports a cut that did not happen", ("polite",), (
        Expect(POWER_CUT, "INCONCLUSIVE", "the cut did not happen"),), profile=power_in_empty_namespace),
]


@pytest.fixture(scope="module")
def hostile_lab() -> Iterator[None]:
    """The bridge, the tester and x1 (powered off), held exclusively; all of it removed afterwards."""
    with lab.exclusive_lab():
        try:
            clear()
            create_lan([])
            hostile.install()
            run(["ip", "netns", "add", "tekigo-x2"])  # the empty namespace a miswired power driver switches
            yield
        finally:
            lab.down()


def tekigo_run(profile_text: str, keyword: str, out: Path, timeout: float) -> tuple[dict[str, Any], float]:
    """`tekigo run` in the tester namespace with only the checks matching `keyword`; (record, seconds)."""
    profile = out.parent / f"{out.name}.yaml"
    profile.write_text(profile_text, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--netns", TESTER.namespace,
                           "--profile", str(profile), "--out", str(out), "-k", keyword],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)
    seconds = time.monotonic() - started
    assert (out / "results.json").is_file(), done.stdout[-3000:] + done.stderr[-2000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8")), seconds


def checks_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [test for requirement in record["requirements"] for test in requirement["tests"]]


def assert_never_a_false_pass(record: dict[str, Any], expected: tuple[Expect, ...]) -> None:
    """Every selected check ran and got its verdict with its reason; the unit's verdict follows the rule."""
    checks = {check["nodeid"].split("::")[-1].split("[")[0]: check for check in checks_of(record)}
    assert set(checks) == {e.check for e in expected}, f"ran {sorted(checks)}"
    for expect in expected:
        check = checks[expect.check]
        assert check["verdict"] == expect.verdict, f"{check['nodeid']}: {check['verdict']} {check['reason']}"
        assert re.search(expect.reason, check["reason"]), f"{check['nodeid']}: reason {check['reason']!r}"
    assert record["verdict"] == ("FAIL" if any(e.verdict == "FAIL" for e in expected) else "INCONCLUSIVE")


def assert_nothing_left_in_tester() -> None:
    """No process of the run (harness, client or helper) outlives it in the tester namespace."""
    pids = run(["ip", "netns", "pids", TESTER.namespace]).split()
    assert not pids, f"processes left in {TESTER.namespace}: {pids}"


@pytest.mark.parametrize("case", CASES, ids=["+".join(case.modes) for case in CASES])
def test_hostile_case_is_never_a_pass(hostile_lab, case: Case, tmp_path: Path) -> None:
    hostile.boot(*case.modes)
    text = case.profile(PROFILE.read_text(encoding="utf-8"))
    keyword = " or ".join(expect.keyword for expect in case.expected)
    record, seconds = tekigo_run(text, keyword, tmp_path / "run", timeout=case.deadline_s + 30)
    for check in checks_of(record):
        print(f"\nCASE | {case.name} | {check['nodeid'].split('::')[-1]} | {check['verdict']} | {check['reason'][:90]}"
              f" | {check['seconds']:.1f} s of {seconds:.1f} s")
    assert_never_a_false_pass(record, case.expected)
    assert seconds < case.deadline_s, f"{case.name} took {seconds:.1f} s, over its {case.deadline_s:.0f} s deadline"
    assert_nothing_left_in_tester()
    if "script-title" in case.modes:
        assert_report_shows_hostile_strings_as_text(record, tmp_path / "run")


def assert_report_shows_hostile_strings_as_text(record: dict[str, Any], run_dir: Path) -> None:
    evidence = "".join((run_dir / path).read_text(encoding="utf-8", errors="replace")
                       for check in checks_of(record) for path in check["evidence"])
    assert HOSTILE_MARKUP in evidence, "the hostile markup did not reach the evidence: the case shows nothing"
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    assert HOSTILE_MARKUP not in report and "<b onmouseover" not in report, "hostile markup is live in report.html"
    assert "&lt;script&gt;alert(" in report and "&lt;b onmouseover=alert(1)&gt;" in report


def test_unit_unreachable_by_arp_is_inconclusive(hostile_lab, tmp_path: Path) -> None:
    """A static neighbour entry in the tester sends the unit's frames nowhere: nothing answers, nothing passes."""
    hostile.boot("polite")
    address = hostile.HOST.address
    run(["ip", "-n", TESTER.namespace, "neigh", "replace", address, "lladdr", BLACKHOLE_MAC, "dev", "eth0",
         "nud", "permanent"])
    try:
        record, seconds = tekigo_run(PROFILE.read_text(encoding="utf-8"), f"{TELNET_LOGIN} or {UNAUTHENTICATED_READS}",
                                     tmp_path / "run", timeout=90)
    finally:
        run(["ip", "-n", TESTER.namespace, "neigh", "del", address, "dev", "eth0"])
    print(f"\nCASE | ARP blackhole | {record['verdict']} | {seconds:.1f} s")
    unanswered = "did not answer on any declared port"
    assert_never_a_false_pass(record, (Expect(TELNET_LOGIN, "INCONCLUSIVE", unanswered),
                                       Expect(UNAUTHENTICATED_READS, "INCONCLUSIVE", unanswered)))
    assert seconds < 30
    assert_nothing_left_in_tester()


# The sweep engine with the real web client, in the tester namespace, against x1's lockout mode: nine wrong
# pairs, then the dictionary credential x1 accepts whenever it is not locked out.
LOCKOUT_SWEEP = """
import ipaddress
from harness.credentials.dictionary import Pair
from harness.credentials.sweep import SweepLimits, sweep
from harness.evidence import Redactor, Transcript
from harness.profile import HttpInterface
from harness.scope import LabScope, guard
from harness.transports.http import HttpClient

scope = LabScope([ipaddress.ip_network("198.18.0.0/24")])
web = HttpInterface.model_validate({"kind": "http", "login": {"method": "json", "path": "/api/login"}})
client = HttpClient("198.18.0.31", web, scope, Transcript("lockout", Redactor({})), 3.0)
pairs = [Pair(f"nobody{n}", "wrong", "test") for n in range(9)] + [Pair("xd", "xd", "notice")]
result = {}
with guard(scope):
    for name, reset_s in (("undeclared", None), ("declared", params["reset_s"])):
        time.sleep(params["unit_lockout_s"])  # whatever the last sweep left locked has lifted
        outcome = sweep(pairs, lambda batch: client.logins([(p.username, p.password) for p in batch]),
                        SweepLimits(concurrency=2, batch=2, rate=100, deadline_s=30, lockout_reset_s=reset_s))
        result[name] = {"accepted": [p.username for p, _ in outcome.accepted], "lockout": outcome.lockout,
                        "untried": outcome.untried, "waited": outcome.lockouts_waited, "seconds": outcome.seconds}
"""


def test_a_declared_lockout_is_waited_out_and_the_sweep_finds_what_it_hid(hostile_lab, in_tester) -> None:
    hostile.boot("lockout", lockout_s=1.0)
    result = in_tester(LOCKOUT_SWEEP, reset_s=1.5, unit_lockout_s=1.0)
    print(f"\nCASE | lockout 1 s, declared 1.5 s | {result}")
    undeclared, declared = result["undeclared"], result["declared"]
    assert undeclared["lockout"] and not undeclared["accepted"] and undeclared["untried"] >= 1
    assert declared["accepted"] == ["xd"] and not declared["lockout"] and declared["waited"] >= 2
    assert declared["seconds"] >= 1.5 * declared["waited"]


def test_a_lockout_longer_than_declared_stays_inconclusive(hostile_lab, tmp_path: Path) -> None:
    hostile.boot("lockout")  # 60 s
    text = PROFILE.read_text(encoding="utf-8").replace(
        "    login: {method: json, path: /api/login}\n",
        "    login: {method: json, path: /api/login}\n    lockout: {reset_after_s: 2}\n")
    record, seconds = tekigo_run(text, f"{SWEEP} and http", tmp_path / "run", timeout=60)
    print(f"\nCASE | lockout 60 s, declared 2 s | {record['verdict']} | {seconds:.1f} s")
    assert_never_a_false_pass(record, (Expect(
        SWEEP, "INCONCLUSIVE", r"\(the unit was still locked out after the declared 2 s lockout time\)"),))
    assert_nothing_left_in_tester()


def test_lab_down_removes_the_hostile_unit(hostile_lab) -> None:
    hostile.boot("polite")
    lab.down()
    assert not [name for name in lab_namespaces() if name in (hostile.HOST.namespace, "tekigo-x2")]
    assert not hostile.flash().exists()
