"""Credential dictionaries and the bounded sweep engine."""

import threading
import time
from collections.abc import Sequence

from harness.credentials.dictionary import Pair, group_sources, load_dictionary
from harness.credentials.sweep import SweepLimits, sweep
from harness.transports.outcome import LoginResult, Unreachable


def test_short_dictionary_holds_the_mirai_pairs_with_their_source() -> None:
    pairs = load_dictionary("short")
    mirai = [p for p in pairs if p.group == "mirai"]
    assert len(mirai) == 61
    assert Pair("root", "xc3511", "mirai") in pairs
    assert Pair("root", "", "mirai") in pairs  # <empty> is the empty password


def refuse_all(batch: Sequence[Pair]) -> list[LoginResult]:
    return [LoginResult(False, "refused") for _ in batch]


PAIRS = [Pair(f"user{n}", "pw", "test") for n in range(50)]


def test_sweep_tries_everything_and_reports_counts() -> None:
    outcome = sweep(PAIRS, refuse_all, SweepLimits(concurrency=4, batch=3, rate=1000))
    assert (outcome.tried, outcome.refused, outcome.untried, outcome.accepted) == (50, 50, 0, [])


def test_sweep_stops_at_the_first_success() -> None:
    def attempt(batch: Sequence[Pair]) -> list[LoginResult]:
        return [LoginResult(p.username == "user3", "x") for p in batch]

    outcome = sweep(PAIRS, attempt, SweepLimits(concurrency=1, batch=1, rate=1000))
    assert [pair.username for pair, _ in outcome.accepted] == ["user3"]
    assert outcome.stopped_by == "a login succeeded"
    assert outcome.untried == 46


def test_sweep_is_bounded_in_count_rate_and_time() -> None:
    assert sweep(PAIRS, refuse_all, SweepLimits(max_attempts=10, rate=1000)).untried == 40
    started = time.monotonic()
    sweep(PAIRS[:10], refuse_all, SweepLimits(rate=20, concurrency=10))
    assert time.monotonic() - started >= 0.4  # 10 starts at 20/s

    def slow(batch: Sequence[Pair]) -> list[LoginResult]:
        time.sleep(0.3)
        return refuse_all(batch)

    outcome = sweep(PAIRS, slow, SweepLimits(deadline_s=0.5, concurrency=2, rate=1000))
    assert outcome.stopped_by.startswith("the 0 s deadline") or "deadline" in outcome.stopped_by
    assert outcome.untried > 0


def test_sweep_stops_at_a_lockout_and_counts_the_locked_answers_as_untried() -> None:
    def locked(batch: Sequence[Pair]) -> list[LoginResult]:
        return [LoginResult(False, "429", lockout=True) for _ in batch]

    outcome = sweep(PAIRS, locked, SweepLimits(concurrency=1, rate=1000, lockout_after=3))
    assert outcome.lockout and outcome.tried == 0 and outcome.untried == 50 and outcome.lockout_answers == 3


def test_unanswered_attempts_are_errors_not_refusals() -> None:
    def unreachable(batch: Sequence[Pair]) -> list[LoginResult]:
        raise Unreachable("connection refused")

    outcome = sweep(PAIRS[:5], unreachable, SweepLimits(rate=1000))
    assert outcome.refused == 0 and len(outcome.errors) == 5


def test_partial_batches_are_retried_on_a_new_connection() -> None:
    seen: list[str] = []
    lock = threading.Lock()

    def one_per_connection(batch: Sequence[Pair]) -> list[LoginResult]:
        with lock:
            seen.append(batch[0].username)
        return refuse_all(batch[:1])

    outcome = sweep(PAIRS[:9], one_per_connection, SweepLimits(batch=3, rate=1000, concurrency=2))
    assert outcome.tried == 9 and sorted(seen) == sorted(p.username for p in PAIRS[:9])


def test_notice_dictionary_has_600_unique_pairs_and_keeps_the_mirai_group() -> None:
    pairs = load_dictionary("notice")
    assert len(pairs) >= 600
    assert len({(p.username, p.password) for p in pairs}) == len(pairs)
    assert len([p for p in pairs if p.group == "mirai"]) == 61
    assert pairs[0] == Pair("root", "xc3511", "mirai")  # Mirai's first pair is tried first


def test_every_dictionary_group_names_its_source() -> None:
    for name in ("short", "notice"):
        sources = group_sources(name)
        groups = {p.group for p in load_dictionary(name)}
        assert groups <= set(sources), f"{name}: pairs outside any '## group:' line"
        assert all(len(source) > 20 for source in sources.values()), f"{name}: a group without a source: {sources}"


def test_sweep_records_the_answer_time_of_each_connection() -> None:
    def two_per_connection(batch: Sequence[Pair]) -> list[LoginResult]:
        time.sleep(0.02)
        return refuse_all(batch[:2])

    outcome = sweep(PAIRS[:10], two_per_connection, SweepLimits(batch=2, rate=1000, concurrency=2))
    assert [t.answers for t in outcome.timings] == [2] * 5
    assert all(t.per_answer_s >= 0.01 for t in outcome.timings)


def test_sweep_reports_progress_while_it_runs(monkeypatch) -> None:
    monkeypatch.setattr("harness.credentials.sweep.PROGRESS_EVERY_S", 0.05)
    heard: list[int] = []

    def slow(batch: Sequence[Pair]) -> list[LoginResult]:
        time.sleep(0.03)
        return refuse_all(batch)

    sweep(PAIRS[:10], slow, SweepLimits(rate=1000, concurrency=1), progress=lambda o: heard.append(o.tried))
    assert heard and heard == sorted(heard) and heard[-1] <= 10


def test_unanswered_batches_are_retried_at_lower_concurrency() -> None:
    in_flight, peak_after_drop, dropped = [0], [0], set()
    lock = threading.Lock()

    def overloaded(batch: Sequence[Pair]) -> list[LoginResult]:
        with lock:
            in_flight[0] += 1
            busy = in_flight[0]
            if dropped:
                peak_after_drop[0] = max(peak_after_drop[0], busy)
        try:
            time.sleep(0.01)
            if busy > 4 and batch[0].username not in dropped:
                dropped.add(batch[0].username)
                raise Unreachable("timed out")
            return refuse_all(batch)
        finally:
            with lock:
                in_flight[0] -= 1

    outcome = sweep(PAIRS, overloaded, SweepLimits(concurrency=16, rate=10000))
    assert dropped and outcome.retried == len(dropped)
    assert (outcome.errors, outcome.refused, outcome.untried) == ([], 50, 0)
    assert peak_after_drop[0] < 16


def test_a_connection_that_never_answers_does_not_hold_the_sweep_past_its_deadline(monkeypatch) -> None:
    monkeypatch.setattr("harness.credentials.sweep.ABANDON_AFTER_S", 0.3)
    released = threading.Event()

    def hangs(batch: Sequence[Pair]) -> list[LoginResult]:
        if batch[0] == PAIRS[0]:
            released.wait(10)
        return [LoginResult(False, "refused") for _ in batch]

    started = time.monotonic()
    outcome = sweep(PAIRS[:6], hangs, SweepLimits(deadline_s=0.2, concurrency=2, rate=1000))
    released.set()
    assert time.monotonic() - started < 2.0
    assert outcome.refused == 5 and outcome.untried == 1
    assert "still unanswered" in outcome.errors[0]
