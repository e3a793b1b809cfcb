"""TER-34-10-2: no well-known ID/password opens the unit (a NOTICE-scale sweep, plus the matching vendor's defaults)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pytest

from harness.background import Background
from harness.credentials.banners import Banner, http_banners, ssh_banner, telnet_banner
from harness.credentials.dictionary import Pair, load_dictionary
from harness.credentials.pacing import Pace, Pacer
from harness.credentials.sweep import ABANDON_AFTER_S, SweepLimits, SweepOutcome, sweep
from harness.credentials.throttling import CROSS_REFERENCE, KnownGood, throttling_findings
from harness.credentials.vendor_defaults import VendorMatch, load_vendor_defaults, matching_vendors
from harness.device import Device
from harness.evidence import Transcript
from harness.profile import HttpInterface, SshInterface, TelnetInterface
from harness.transports.outcome import LoginResult
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-2")

# Per protocol: how many attempts one connection carries and at most how many connections run at once
# (the sweep halves that when the unit leaves one unanswered: a web admin is often CPU-bound).
# Over HTTP a batch is one kept-alive connection (and one CSRF token where the unit lets it be reused);
# the reference web admins hash each try with 100k PBKDF2 rounds, so more connections would only queue.
# dropbear delays each failed password by about 300 ms, allows 10 tries a connection and one user name
# a connection, and drops new connections beyond 5 unauthenticated ones from one address. The 300 ms
# delay bounds an SSH sweep (668 pairs x 0.3 s / 4 connections = 50 s, plus ~370 key exchanges). A 5th
# connection was measured slower on the QEMU unit (109 s against 67-77 s: dropbear under TCG counts a
# finished connection out late, so most new ones were dropped before the banner) and 10% faster on r1.
# busybox login allows 3 tries a connection at 3 s per failure.
LIMITS = {
    "http": SweepLimits(concurrency=8, batch=8, rate=200.0, deadline_s=240.0),
    "ssh": SweepLimits(concurrency=4, batch=9, rate=100.0, deadline_s=240.0),
    "telnet": SweepLimits(concurrency=48, batch=3, rate=100.0, deadline_s=240.0),
}
# A sweep is waited for past its deadline by the time it may give unanswered attempts, plus its two known-good
# logins (each bounded by the unit's connect timeout).
WAIT_MARGIN_S = ABANDON_AFTER_S + 60.0
SweepInterface = HttpInterface | SshInterface | TelnetInterface


@pytest.fixture(scope="module")
def unit_banners(device, profile) -> tuple[list[Banner], list[str]]:
    """What every declared interface of the unit shows before login, and the interfaces that showed nothing."""
    banners: list[Banner] = []
    missing: list[str] = []
    for declared in profile.interfaces:
        try:
            if isinstance(declared, HttpInterface):
                banners += http_banners(device.http(declared))
            elif isinstance(declared, SshInterface):
                banners += ssh_banner(device.ssh(declared))
            else:
                banners += telnet_banner(device.telnet(declared))
        except Inconclusive as error:
            missing.append(f"{declared.kind}:{declared.port} ({error})")
    return banners, missing


@dataclass
class InterfaceSweep:
    """What one interface's sweep ran on and found, with the known-good logins around it."""

    pairs: list[Pair]
    outcome: SweepOutcome
    known_good: KnownGood | None


class UnitSweeps:
    """The sweeps of every selected interface of the unit, started together, each in its own thread.

    Each thread has its own Device (a copy of the unit's state) and Transcript: no client is shared.
    """

    def __init__(self, interfaces: list[SweepInterface], vendors: list[VendorMatch]) -> None:
        self.interfaces = interfaces
        self.vendors = vendors
        self.running: dict[str, Background[InterfaceSweep]] = {}
        self.transcripts: dict[str, Transcript] = {}
        self.pacer = Pacer()

    def start(self, device: Device, interface: SweepInterface) -> None:
        """Start every selected interface's sweep not started yet, and `interface`'s (the unit's password
        already changed: each thread's Device copies the unit's state)."""
        starting = {f"{declared.kind}:{declared.port}": declared for declared in [*self.interfaces, interface]}
        paces = {where: self.pacer.join(where) for where in starting if where not in self.running}
        for where, pace in paces.items():
            declared = starting[where]
            own = Device(device.profile, device.scope, Transcript(f"sweep {where}", device.transcript.redact))
            own.state = replace(device.state, settings_written=dict(device.state.settings_written))
            self.transcripts[where] = own.transcript
            work = _sweep_work(own, declared, _ordered_for(declared, _dictionary(self.vendors)), pace)
            self.running[where] = Background(f"the sweep of {where}", work)

    def result(self, interface: SweepInterface, show: Callable[[str], None] | None) -> InterfaceSweep:
        """This interface's sweep, waited for at most its own deadline and a margin."""
        running = self.running[f"{interface.kind}:{interface.port}"]
        return running.wait(_limits_for(interface).deadline_s + WAIT_MARGIN_S, show)


@pytest.fixture(scope="module")
def unit_sweeps(request, unit_banners) -> UnitSweeps:
    """The sweeps of the interfaces whose checks this run selected (a resumed run: only the unfinished)."""
    selected = [item.callspec.params["interface"] for item in request.session.items
                if getattr(item, "originalname", None) == test_dictionary_sweep_finds_no_login.__name__
                and item.path == request.path and hasattr(item, "callspec")]
    interfaces = [i for i in selected if isinstance(i, SweepInterface)]
    banners, _ = unit_banners
    return UnitSweeps(interfaces, matching_vendors(banners, load_vendor_defaults()))


@pytest.mark.interfaces("http", "ssh", "telnet", login=True)
def test_dictionary_sweep_finds_no_login(device, interface, evidence, unit_banners, unit_sweeps, request):
    device.ensure_password_changed()
    banners, missing = unit_banners
    vendors = unit_sweeps.vendors
    evidence.attach("fingerprint", _fingerprint_text(banners, missing, vendors))
    unit_sweeps.start(device, interface)

    where = f"{interface.kind}:{interface.port}"
    try:
        done = unit_sweeps.result(interface, _progress(request, where))
    finally:
        evidence.transcript.merge(unit_sweeps.transcripts[where])
    pairs, outcome, known_good = done.pairs, done.outcome, done.known_good
    evidence.attach("sweep-summary", _summary(pairs, vendors, outcome))
    for text in throttling_findings(outcome, known_good):
        evidence.finding(text, CROSS_REFERENCE)

    accepted = [f"{pair.username}/{pair.password or '(empty)'} ({pair.group})" for pair, _ in outcome.accepted]
    assert not accepted, f"{interface.kind}:{interface.port} accepts dictionary credentials: " + ", ".join(accepted)
    # A lockout stops the sweep but proves nothing of the pairs left untried (they may open the unit once it lifts).
    if outcome.errors or outcome.untried:
        raise Inconclusive(
            f"sweep incomplete: {len(outcome.errors)} attempts without an answer, {outcome.untried} untried "
            f"({outcome.stopped_by or 'end of dictionary'})"
        )


def _sweep_work(own: Device, interface: SweepInterface, pairs: list[Pair], pace: Pace
                ) -> Callable[[Callable[[str], None]], InterfaceSweep]:
    """The thread's work: known-good login, sweep (abreast of the unit's other sweeps), known-good login again,
    on the thread's own Device."""
    where = f"{interface.kind}:{interface.port}"

    def work(tell: Callable[[str], None]) -> InterfaceSweep:
        try:
            known_good = _known_good_before(own, interface)
            report = _progress_line(where, len(pairs), tell)
            outcome = sweep(pairs, _attempt(own, interface), _limits_for(interface), progress=report, pace=pace)
        finally:
            pace.leave()
        if known_good is not None and not outcome.accepted and known_good.before:
            known_good = _known_good_after(own, interface)
        return InterfaceSweep(pairs, outcome, known_good)
    return work


def _limits_for(interface) -> SweepLimits:
    """The protocol's limits; a declared lockout is waited out, within the declared budget if one is given."""
    lockout = interface.lockout if isinstance(interface, HttpInterface) else None
    if lockout is None:
        return LIMITS[interface.kind]
    return replace(LIMITS[interface.kind], lockout_reset_s=lockout.reset_after_s,
                   deadline_s=lockout.sweep_budget_s or LIMITS[interface.kind].deadline_s)


def _dictionary(vendors: list[VendorMatch]) -> list[Pair]:
    """The matched vendors' defaults first (most likely on this unit), then the NOTICE-scale dictionary."""
    pairs: dict[tuple[str, str], Pair] = {}
    for pair in [p for match in vendors for p in match.vendor.pairs] + load_dictionary("notice"):
        pairs.setdefault((pair.username, pair.password), pair)
    return list(pairs.values())


def _attempt(device, interface):
    """Try one batch of pairs on one connection of `interface`."""
    if isinstance(interface, HttpInterface):
        client = device.http(interface)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            return client.logins([(p.username, p.password) for p in batch])
    elif isinstance(interface, SshInterface):
        ssh = device.ssh(interface)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            same_user = [p.password for p in batch if p.username == batch[0].username]
            return ssh.logins(batch[0].username, same_user)
    else:
        telnet = device.telnet(interface)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            return telnet.logins([(p.username, p.password) for p in batch])
    return attempt


def _progress_line(where: str, total: int, tell: Callable[[str], None]) -> Callable[[SweepOutcome], None]:
    def report(outcome: SweepOutcome) -> None:
        held = f" ({outcome.held_s:.0f} s held back, abreast of a slower sweep)" if outcome.held_s >= 1 else ""
        tell(f"    sweep {where}: {outcome.tried}/{total} pairs tried, {outcome.seconds:.0f} s{held}")
    return report


def _progress(request, where: str) -> Callable[[str], None] | None:
    """Shows a sweep's progress lines on the terminal while its check waits (pytest captures print)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return None

    def show(line: str) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)
            reporter.flush()
    return show


def _ordered_for(interface, pairs: list[Pair]) -> list[Pair]:
    # dropbear takes one user name a connection: group the pairs by user so a batch fills one connection.
    return sorted(pairs, key=lambda pair: pair.username) if isinstance(interface, SshInterface) else pairs


def _known_good_before(device, interface) -> KnownGood | None:
    """Whether the unit's current credential opens this interface now (None: no answer to tell)."""
    try:
        return KnownGood(before=device.login(device.state.password, interface).accepted)
    except Inconclusive:
        return None


def _known_good_after(device, interface) -> KnownGood:
    try:
        return KnownGood(before=True, after=device.login(device.state.password, interface).accepted)
    except Inconclusive as error:
        return KnownGood(before=True, after=None, after_error=str(error))


def _fingerprint_text(banners: list[Banner], missing: list[str], vendors: list[VendorMatch]) -> str:
    return (
        "".join(f"{b.where} {b.kind}: {b.text}\n" for b in banners)
        + "".join(f"no banner from {m}\n" for m in missing)
        + "vendor defaults selected: " + (", ".join(v.describe() for v in vendors) or "none (no fingerprint matched)")
        + "\n"
    )


def _summary(pairs: list[Pair], vendors: list[VendorMatch], outcome: SweepOutcome) -> str:
    groups: dict[str, int] = {}
    for pair in pairs:
        groups[pair.group] = groups.get(pair.group, 0) + 1
    return (
        f"pairs: {len(pairs)} ({', '.join(f'{g} {n}' for g, n in groups.items())})\n"
        f"vendor groups: {len(vendors)}\n"
        f"tried: {outcome.tried}, refused: {outcome.refused}, accepted: {len(outcome.accepted)}, "
        f"errors: {len(outcome.errors)}, untried: {outcome.untried}, "
        f"retried after no answer: {outcome.retried}\n"
        f"answered 'locked out' (not checked, so tried again or left untried): {outcome.lockout_answers}, "
        f"lockouts waited out: {outcome.lockouts_waited} ({outcome.waited_s:.0f} s)\n"
        f"seconds: {outcome.seconds:.1f} (held back to keep abreast of a slower sweep: {outcome.held_s:.1f}), "
        f"connections: {len(outcome.timings)}, "
        f"stopped by: {outcome.stopped_by or 'end of dictionary'}\n"
        + "".join(f"error: {e}\n" for e in outcome.errors[:20])
    )
