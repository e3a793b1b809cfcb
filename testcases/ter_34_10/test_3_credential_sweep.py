"""TER-34-10-2: no well-known ID/password opens the unit (a NOTICE-scale sweep, plus the matching vendor's defaults)."""

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from harness.credentials.banners import Banner, http_banners, ssh_banner, telnet_banner
from harness.credentials.dictionary import Pair, load_dictionary
from harness.credentials.sweep import SweepLimits, SweepOutcome, sweep
from harness.credentials.throttling import CROSS_REFERENCE, KnownGood, throttling_findings
from harness.credentials.vendor_defaults import VendorMatch, load_vendor_defaults, matching_vendors
from harness.profile import HttpInterface, SshInterface
from harness.transports.outcome import LoginResult
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-2")

# Per protocol: how many attempts one connection carries and at most how many connections run at once
# (the sweep halves that when the unit leaves one unanswered: a web admin is often CPU-bound).
# Over HTTP a batch is one kept-alive connection (and one CSRF token where the unit lets it be reused);
# the reference web admins hash each try with 100k PBKDF2 rounds, so more connections would only queue.
# dropbear delays each failed password by about 300 ms, allows 10 tries a connection and one user name
# a connection, and drops new connections beyond 5 unauthenticated ones from one address;
# busybox login allows 3 tries a connection at 3 s per failure.
LIMITS = {
    "http": SweepLimits(concurrency=8, batch=8, rate=200.0, deadline_s=240.0),
    "ssh": SweepLimits(concurrency=4, batch=9, rate=100.0, deadline_s=240.0),
    "telnet": SweepLimits(concurrency=48, batch=3, rate=100.0, deadline_s=240.0),
}


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


@pytest.mark.interfaces("http", "ssh", "telnet")
def test_dictionary_sweep_finds_no_login(device, interface, evidence, unit_banners, request):
    device.ensure_password_changed()
    banners, missing = unit_banners
    vendors = matching_vendors(banners, load_vendor_defaults())
    pairs = _ordered_for(interface, _dictionary(vendors))
    evidence.attach("fingerprint", _fingerprint_text(banners, missing, vendors))
    known_good = _known_good_before(device, interface)

    report = _progress(request, f"{interface.kind}:{interface.port}", len(pairs))
    outcome = sweep(pairs, _attempt(device, interface), _limits_for(interface), progress=report)
    if known_good is not None and not outcome.accepted and known_good.before:
        known_good = _known_good_after(device, interface)
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


def _progress(request, where: str, total: int) -> Callable[[SweepOutcome], None] | None:
    """A progress line on the terminal every few seconds of a long sweep (pytest captures print)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return None

    def report(outcome: SweepOutcome) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"    sweep {where}: {outcome.tried}/{total} pairs tried, {outcome.seconds:.0f} s")
            reporter.flush()
    return report


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
        f"seconds: {outcome.seconds:.1f}, connections: {len(outcome.timings)}, "
        f"stopped by: {outcome.stopped_by or 'end of dictionary'}\n"
        + "".join(f"error: {e}\n" for e in outcome.errors[:20])
    )
