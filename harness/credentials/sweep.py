"""The bounded credential sweep: many connections at once, capped in count, rate and time."""

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from harness.credentials.dictionary import Pair
from harness.credentials.pacing import Pace
from harness.transports.outcome import LoginResult
from harness.verdict import Inconclusive

# Tries a batch of pairs on one connection; returns results for the leading pairs it could try.
BatchAttempt = Callable[[Sequence[Pair]], list[LoginResult]]
PROGRESS_EVERY_S = 10.0
ABANDON_AFTER_S = 30.0  # past the deadline, attempts still running are given up (a unit that never answers)
PACED_SHARE = 0.5  # a sweep is kept abreast of slower ones only in this first share of its deadline


@dataclass(frozen=True)
class SweepLimits:
    """Every sweep stops by itself: at most `max_attempts`, `rate` per second, `deadline_s` in all."""

    max_attempts: int = 1000
    rate: float = 50.0
    deadline_s: float = 120.0
    concurrency: int = 16
    batch: int = 1
    lockout_after: int = 3  # consecutive lockout answers that make a lockout
    lockout_reset_s: float | None = None  # the unit's declared lockout time: wait it out and go on (None: stop)
    retries: int = 2  # times a batch that got no answer is tried again (each time at half the concurrency)


@dataclass(frozen=True)
class BatchTiming:
    """One connection's batch: when it started (seconds into the sweep), how long it took, how many answers."""

    started_s: float
    seconds: float
    answers: int

    @property
    def per_answer_s(self) -> float:
        return self.seconds / self.answers


@dataclass
class SweepOutcome:
    """What the sweep tried and saw."""

    accepted: list[tuple[Pair, str]] = field(default_factory=list)
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    untried: int = 0
    retried: int = 0
    lockout: bool = False  # a lockout stopped the sweep
    lockout_answers: int = 0  # pairs answered 'locked' without being checked (tried again later, or untried)
    lockouts_waited: int = 0  # lockouts waited out for the declared reset time
    waited_s: float = 0.0
    held_s: float = 0.0  # nothing in flight, held back to keep abreast of a slower sweep of the unit
    stopped_by: str = ""
    seconds: float = 0.0
    timings: list[BatchTiming] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return self.refused + len(self.accepted)


class _RateGate:
    """Lets attempts start no faster than `rate` per second."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self, count: int) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next)
            self.next = start + self.interval * count
        time.sleep(max(0.0, start - now))


def sweep(
    pairs: Sequence[Pair],
    attempt: BatchAttempt,
    limits: SweepLimits,
    progress: Callable[["SweepOutcome"], None] | None = None,
    pace: Pace | None = None,
) -> SweepOutcome:
    """Try `pairs` with `attempt`, stopping at a success, a lockout, or any limit; `progress` hears every 10 s.

    A pair the unit answers with a lockout was not checked: it goes back to the queue. With a declared
    `lockout_reset_s` the sweep waits a lockout out and goes on; a lockout still there after the wait, or
    one that would outlast the deadline, stops it. With a `pace`, the sweep dispatches no further ahead of the
    unit's slowest side-by-side sweep than the pacer's lead, during the first half of its deadline.
    """
    outcome = SweepOutcome()
    queue = list(pairs[: limits.max_attempts])
    outcome.untried = len(pairs) - len(queue)
    gate = _RateGate(limits.rate)
    started = time.monotonic()
    lockouts = _LockoutWatch(limits, started)
    next_progress = started + PROGRESS_EVERY_S
    # Connections in flight: halved when the unit leaves one unanswered, one more after a calm round.
    width, calm = limits.concurrency, 0
    retries: dict[tuple[Pair, ...], int] = {}
    total = max(1, len(queue))
    paced_until = started + limits.deadline_s * PACED_SHARE

    def held_back() -> bool:
        return pace is not None and time.monotonic() < paced_until and pace.ahead(1.0 - len(queue) / total)

    def run(batch: list[Pair]) -> tuple[list[Pair], list[LoginResult] | str, float, float]:
        gate.wait(len(batch))
        begun = time.monotonic()
        try:
            results: list[LoginResult] | str = attempt(batch)
        except Inconclusive as error:
            results = str(error)
        return batch, results, begun - started, time.monotonic() - begun

    pool = ThreadPoolExecutor(max_workers=limits.concurrency)
    running: set[Future[tuple[list[Pair], list[LoginResult] | str, float, float]]] = set()
    batches: dict[Future[tuple[list[Pair], list[LoginResult] | str, float, float]], int] = {}
    try:
        while queue or running:
            stop = _stop_reason(outcome, started, limits)
            if running and time.monotonic() - started > limits.deadline_s + ABANDON_AFTER_S:
                outcome.errors.append(f"{len(running)} connections still unanswered "
                                      f"{ABANDON_AFTER_S:.0f} s after the deadline: given up")
                outcome.untried += sum(batches[future] for future in running) + len(queue)
                outcome.stopped_by = outcome.stopped_by or stop
                break
            while queue and not stop and len(running) < width and not lockouts.pausing() and not held_back():
                batch, queue = queue[: limits.batch], queue[limits.batch :]
                future = pool.submit(run, batch)
                running.add(future)
                batches[future] = len(batch)
            if stop:
                outcome.stopped_by = outcome.stopped_by or stop
                outcome.untried += len(queue)
                queue = []
            if not running:
                if queue and not stop and lockouts.pausing():  # waiting out a lockout with nothing in flight
                    time.sleep(min(1.0, lockouts.pause_left()))
                    continue
                if queue and not stop and pace is not None:  # held back by a slower sweep
                    holding = time.monotonic()
                    pace.wait(min(1.0, max(0.0, paced_until - holding)))
                    outcome.held_s += time.monotonic() - holding
                    continue
                break
            done, running = wait(running, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                batch, results, begun_s, seconds = future.result()
                if isinstance(results, str):
                    key = tuple(batch)
                    retries[key] = retries.get(key, 0) + 1
                    if retries[key] <= limits.retries:
                        outcome.retried += 1
                        queue = batch + queue
                        width, calm = max(1, width // 2), 0
                    else:
                        outcome.errors.append(f"{batch[0].username}: {results}")
                    continue
                calm += 1
                if calm >= width and width < limits.concurrency:
                    width, calm = width + 1, 0
                if results:
                    outcome.timings.append(BatchTiming(begun_s, seconds, len(results)))
                locked: list[Pair] = []
                for pair, result in zip(batch, results, strict=False):
                    lockouts.answer(result.lockout, started + begun_s)
                    if result.lockout:
                        locked.append(pair)
                        outcome.lockout_answers += 1
                    elif result.accepted:
                        outcome.accepted.append((pair, result.detail))
                    else:
                        outcome.refused += 1
                lockouts.decide(outcome)
                queue = locked + batch[len(results) :] + queue
            if progress is not None and time.monotonic() >= next_progress:
                outcome.seconds = time.monotonic() - started
                progress(outcome)
                next_progress += PROGRESS_EVERY_S
    finally:
        pool.shutdown(wait=not running, cancel_futures=True)
    outcome.seconds = time.monotonic() - started
    return outcome


class _LockoutWatch:
    """Counts lockout answers; on a lockout either stops the sweep or pauses it for the declared reset time.

    Only batches begun after the last pause ended count: those in flight during a lockout answer 'locked'.
    """

    def __init__(self, limits: SweepLimits, started: float) -> None:
        self.limits = limits
        self.deadline = started + limits.deadline_s
        self.resumed_at = started
        self.consecutive = 0
        self.answered_since_resume = True

    def pausing(self) -> bool:
        return time.monotonic() < self.resumed_at

    def pause_left(self) -> float:
        return max(0.0, self.resumed_at - time.monotonic())

    def answer(self, lockout: bool, begun: float) -> None:
        if begun < self.resumed_at:
            return
        self.consecutive = self.consecutive + 1 if lockout else 0
        self.answered_since_resume = self.answered_since_resume or not lockout

    def decide(self, outcome: SweepOutcome) -> None:
        if self.consecutive < self.limits.lockout_after or outcome.lockout:
            return
        self.consecutive = 0
        reset_s, now = self.limits.lockout_reset_s, time.monotonic()
        if reset_s is None:
            outcome.lockout = True
        elif not self.answered_since_resume:
            outcome.lockout = True
            outcome.stopped_by = f"the unit was still locked out after the declared {reset_s:g} s lockout time"
        elif now + reset_s > self.deadline:
            outcome.lockout = True
            outcome.stopped_by = (f"the unit locked out repeated failures and its declared {reset_s:g} s lockout "
                                  f"would outlast the {self.limits.deadline_s:.0f} s deadline")
        else:
            self.resumed_at = now + reset_s
            self.answered_since_resume = False
            outcome.lockouts_waited += 1
            outcome.waited_s += reset_s


def _stop_reason(outcome: SweepOutcome, started: float, limits: SweepLimits) -> str:
    if outcome.accepted:
        return "a login succeeded"
    if outcome.lockout:
        return "the unit locked out repeated failures"
    if time.monotonic() - started > limits.deadline_s:
        return f"the {limits.deadline_s:.0f} s deadline"
    if len(outcome.errors) > 20:
        return "too many connection errors"
    if outcome.lockout_answers > limits.max_attempts:  # locked pairs are tried again: bound those tries too
        return f"over {limits.max_attempts} lockout answers"
    return ""
