"""A sweep against a unit that locks out: locked answers are never counted as tried, and a declared lockout
time is waited out (bounded by the deadline) instead of ending the sweep INCONCLUSIVE."""

import threading
import time
from collections.abc import Sequence

from harness.credentials.dictionary import Pair
from harness.credentials.sweep import SweepLimits, sweep
from harness.transports.outcome import LoginResult

SERVICE = Pair("xd", "xd", "test")  # the dictionary credential the unit accepts, last in the dictionary
PAIRS = [Pair(f"user{n}", "pw", "test") for n in range(12)] + [SERVICE]


class LockingUnit:
    """Locks every login for `lock_s` after `after` failures in a row; accepts SERVICE when not locked."""

    def __init__(self, lock_s: float, after: int = 3) -> None:
        self.lock_s, self.after = lock_s, after
        self.failures, self.locked_until = 0, 0.0
        self.mutex = threading.Lock()

    def login(self, pair: Pair) -> LoginResult:
        with self.mutex:
            if time.monotonic() < self.locked_until:
                return LoginResult(False, "429", lockout=True)
            if pair == SERVICE:
                return LoginResult(True, "200")
            self.failures += 1
            if self.failures >= self.after:
                self.failures, self.locked_until = 0, time.monotonic() + self.lock_s
            return LoginResult(False, "401")

    def attempt(self, batch: Sequence[Pair]) -> list[LoginResult]:
        """As the HTTP client does: pairs in turn on one connection, stopping at a success or a lockout."""
        results: list[LoginResult] = []
        for pair in batch:
            results.append(self.login(pair))
            if results[-1].accepted or results[-1].lockout:
                break
        return results


def limits(reset_s: float | None, deadline_s: float = 10.0) -> SweepLimits:
    return SweepLimits(concurrency=2, batch=2, rate=1000, deadline_s=deadline_s, lockout_reset_s=reset_s)


def test_without_a_declared_lockout_time_the_sweep_stops_with_pairs_untried() -> None:
    outcome = sweep(PAIRS, LockingUnit(lock_s=60).attempt, limits(None))
    assert outcome.lockout and not outcome.accepted
    assert outcome.untried == len(PAIRS) - outcome.tried > 0


def test_locked_answers_at_the_end_of_the_dictionary_leave_those_pairs_untried() -> None:
    last_three = {pair.username for pair in PAIRS[-3:]}

    def locks_at_the_end(batch: Sequence[Pair]) -> list[LoginResult]:
        return [LoginResult(False, "429", lockout=p.username in last_three) for p in batch]

    outcome = sweep(PAIRS, locks_at_the_end, SweepLimits(concurrency=1, batch=1, rate=1000))
    assert outcome.refused == len(PAIRS) - 3 and outcome.untried == 3


def test_a_declared_lockout_time_is_waited_out_and_the_sweep_goes_on_to_the_end() -> None:
    started = time.monotonic()
    outcome = sweep(PAIRS, LockingUnit(lock_s=0.15).attempt, limits(0.2))
    assert [pair for pair, _ in outcome.accepted] == [SERVICE]
    assert outcome.refused == len(PAIRS) - 1 and not outcome.lockout and not outcome.untried
    assert outcome.lockouts_waited >= 3 and time.monotonic() - started >= 0.2 * outcome.lockouts_waited


def test_a_lockout_longer_than_declared_stops_the_sweep_with_the_reason() -> None:
    outcome = sweep(PAIRS, LockingUnit(lock_s=60).attempt, limits(0.2))
    assert outcome.lockout and outcome.lockouts_waited == 1 and outcome.untried > 0
    assert outcome.stopped_by == "the unit was still locked out after the declared 0.2 s lockout time"


def test_a_declared_lockout_time_beyond_the_deadline_stops_the_sweep_at_once() -> None:
    started = time.monotonic()
    outcome = sweep(PAIRS, LockingUnit(lock_s=60).attempt, limits(30, deadline_s=5))
    assert outcome.lockout and outcome.lockouts_waited == 0 and time.monotonic() - started < 2
    assert "30 s lockout would outlast the 5 s deadline" in outcome.stopped_by
