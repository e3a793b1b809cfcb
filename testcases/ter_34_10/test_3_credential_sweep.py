"""TER-34-10-2: no well-known ID/password opens the unit (a NOTICE/Mirai-style sweep)."""

from collections.abc import Sequence

import pytest

from harness.credentials.dictionary import Pair, load_dictionary
from harness.credentials.sweep import SweepLimits, sweep
from harness.profile import HttpInterface, SshInterface
from harness.transports.outcome import LoginResult
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-2")

# Per protocol: how many attempts one connection carries and how many connections run at once.
# dropbear throttles rapid connections from one address (about 300 ms per failed password, up to
# 10 tries a connection); busybox login allows 3 tries a connection at 3 s per failure.
LIMITS = {
    "http": SweepLimits(concurrency=8, batch=1, rate=100.0),
    "ssh": SweepLimits(concurrency=2, batch=8, rate=50.0),
    "telnet": SweepLimits(concurrency=16, batch=3, rate=50.0),
}


@pytest.mark.interfaces("http", "ssh", "telnet")
def test_dictionary_sweep_finds_no_login(device, interface, evidence):
    device.ensure_password_changed()
    pairs = load_dictionary("short")
    if isinstance(interface, HttpInterface):
        client = device.http(interface)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            return [client.login(batch[0].username, batch[0].password)[0]]
    elif isinstance(interface, SshInterface):
        ssh = device.ssh(interface)
        pairs = sorted(pairs, key=lambda pair: pair.username)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            same_user = [p.password for p in batch if p.username == batch[0].username]
            return ssh.logins(batch[0].username, same_user)
    else:
        telnet = device.telnet(interface)

        def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
            return telnet.logins([(p.username, p.password) for p in batch])

    outcome = sweep(pairs, attempt, LIMITS[interface.kind])
    evidence.attach("sweep-summary", (
        f"pairs: {len(pairs)}, tried: {outcome.tried}, refused: {outcome.refused}, "
        f"accepted: {len(outcome.accepted)}, errors: {len(outcome.errors)}, untried: {outcome.untried}\n"
        f"seconds: {outcome.seconds:.1f}, stopped by: {outcome.stopped_by or 'end of dictionary'}\n"
        + "".join(f"error: {e}\n" for e in outcome.errors[:20])
    ))
    if outcome.lockout:
        evidence.finding(f"the unit locked out after {outcome.tried} failed logins", "EN 303 645 5.1-5")
    accepted = [f"{pair.username}/{pair.password or '(empty)'} ({pair.group})" for pair, _ in outcome.accepted]
    assert not accepted, f"{interface.kind}:{interface.port} accepts dictionary credentials: " + ", ".join(accepted)
    if outcome.errors or (outcome.untried and not outcome.lockout):
        raise Inconclusive(
            f"sweep incomplete: {len(outcome.errors)} attempts without an answer, {outcome.untried} untried"
        )
