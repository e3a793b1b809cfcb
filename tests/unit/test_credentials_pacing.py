"""A unit's side-by-side sweeps kept abreast: the fast one follows the slowest, within the lead and the window."""

import threading
import time
from collections.abc import Sequence

from harness.credentials.dictionary import Pair
from harness.credentials.pacing import Pacer
from harness.credentials.sweep import BatchTiming, SweepLimits, SweepOutcome, sweep
from harness.credentials.throttling import throttling_findings
from harness.transports.outcome import LoginResult

PAIRS = [Pair(f"user{n}", "pw", "test") for n in range(40)]
FAST = SweepLimits(concurrency=4, batch=2, rate=1000, deadline_s=60)
SLOW = SweepLimits(concurrency=1, batch=1, rate=1000, deadline_s=60)


def refused(batch: Sequence[Pair]) -> list[LoginResult]:
    return [LoginResult(False, "refused") for _ in batch]


def test_a_fast_sweep_dispatches_no_further_ahead_than_the_lead() -> None:
    pacer = Pacer(lead=0.1)
    slow_pace, fast_pace = pacer.join("ssh"), pacer.join("http")
    slow_answered: list[int] = []
    fast_seen: list[tuple[int, int]] = []  # (pairs the fast sweep had dispatched, the slow one had answered)

    def slow_attempt(batch: Sequence[Pair]) -> list[LoginResult]:
        time.sleep(0.02)
        slow_answered.append(len(batch))
        return refused(batch)

    def fast_attempt(batch: Sequence[Pair]) -> list[LoginResult]:
        fast_seen.append((PAIRS.index(batch[-1]) + 1, sum(slow_answered)))
        return refused(batch)

    def run_slow() -> None:
        sweep(PAIRS, slow_attempt, SLOW, pace=slow_pace)
        slow_pace.leave()

    slow = threading.Thread(target=run_slow)
    slow.start()
    fast = sweep(PAIRS, fast_attempt, FAST, pace=fast_pace)
    fast_pace.leave()
    slow.join()
    assert fast.tried == len(PAIRS)
    # the slow sweep has dispatched at most one more pair than it answered (one connection)
    worst = max(dispatched - answered for dispatched, answered in fast_seen)
    assert worst <= 0.1 * len(PAIRS) + FAST.batch + 1, f"ran {worst} pairs ahead of the slow sweep"
    assert fast.held_s > 0.2, "the fast sweep was never held back"


def test_a_sweep_that_leaves_holds_no_other_back() -> None:
    pacer = Pacer()
    pacer.join("ssh").leave()  # e.g. it found a login and stopped
    started = time.monotonic()
    outcome = sweep(PAIRS, refused, FAST, pace=pacer.join("http"))
    assert outcome.tried == len(PAIRS)
    assert time.monotonic() - started < 1.0
    assert outcome.held_s == 0.0


def test_a_sweep_is_held_only_in_the_first_half_of_its_deadline() -> None:
    pacer = Pacer()
    pacer.join("ssh")  # never reports and never leaves: a sweep that hangs
    started = time.monotonic()
    outcome = sweep(PAIRS, refused, SweepLimits(concurrency=4, batch=2, rate=1000, deadline_s=1.2),
                    pace=pacer.join("http"))
    took = time.monotonic() - started
    assert outcome.tried == len(PAIRS) and not outcome.untried
    assert 0.5 <= took < 1.2, f"took {took:.2f} s"
    assert 0.4 <= outcome.held_s <= 0.7


def test_a_sweep_alone_is_never_held() -> None:
    outcome = sweep(PAIRS, refused, FAST, pace=Pacer().join("http"))
    assert outcome.tried == len(PAIRS) and outcome.held_s == 0.0


def test_the_guess_rate_leaves_out_the_time_held_back() -> None:
    timings = [BatchTiming(float(n), 0.1, 1) for n in range(10)]
    outcome = SweepOutcome(refused=100, seconds=50.0, held_s=40.0, timings=timings)
    [finding] = throttling_findings(outcome, None)
    assert "10.0 a second" in finding
    assert "40 s of them held back" in finding
