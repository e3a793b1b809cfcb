"""Throttling and lockout findings read from one sweep (EN 303 645 5.1-5, JC-STAR S1.1-04)."""

from harness.credentials.sweep import BatchTiming, SweepOutcome
from harness.credentials.throttling import KnownGood, throttling_findings


def outcome_with(per_try_s: list[float], refused: int = 60, lockout: bool = False) -> SweepOutcome:
    timings = [BatchTiming(float(n), per_try * 3, 3) for n, per_try in enumerate(per_try_s)]
    return SweepOutcome(refused=refused, lockout=lockout, seconds=30.0, timings=timings)


def test_a_steady_unit_gets_one_finding_with_its_guess_rate() -> None:
    findings = throttling_findings(outcome_with([0.3] * 20), KnownGood(before=True, after=True))
    assert len(findings) == 1
    assert "no lockout and no growing delay" in findings[0]
    assert "60 failed logins in 30 s (2.0 a second" in findings[0]
    assert "0.30 s a try" in findings[0] and "still worked" in findings[0]


def test_answers_that_slow_down_are_throttling() -> None:
    findings = throttling_findings(outcome_with([0.3] * 10 + [2.0] * 10), KnownGood(before=True, after=True))
    assert findings == ["failed logins were answered ever more slowly: 0.30 s a try in the first batches, "
                        "2.00 s in the last (60 failures): the unit throttles"]


def test_a_fixed_delay_or_small_jitter_is_not_throttling() -> None:
    assert "no lockout" in throttling_findings(outcome_with([3.0] * 10 + [3.4] * 10), None)[0]
    assert "no lockout" in throttling_findings(outcome_with([0.05] * 10 + [0.3] * 10), None)[0]


def test_a_valid_credential_refused_after_the_sweep_is_a_lockout() -> None:
    findings = throttling_findings(outcome_with([0.3] * 20), KnownGood(before=True, after=False))
    assert len(findings) == 1 and "refused its own valid credential" in findings[0]
    silent = throttling_findings(outcome_with([0.3] * 20), KnownGood(before=True, after_error="connection refused"))
    assert "did not answer" in silent[0] and "connection refused" in silent[0]


def test_a_credential_that_never_worked_says_nothing_about_lockout() -> None:
    findings = throttling_findings(outcome_with([0.3] * 20), KnownGood(before=False))
    assert "no lockout" in findings[0] and "still worked" not in findings[0]


def test_lockout_answers_are_reported() -> None:
    findings = throttling_findings(outcome_with([0.3] * 2, refused=3, lockout=True), None)
    assert findings == ["the unit answered with a lockout (HTTP 423/429) after 3 failed logins; "
                        "the sweep stopped there"]


def test_lockouts_waited_out_are_reported_and_are_not_a_steady_unit() -> None:
    outcome = outcome_with([0.3] * 2, refused=12)
    outcome.lockouts_waited, outcome.waited_s = 4, 240.0
    findings = throttling_findings(outcome, None)
    assert findings == ["the unit locked out repeated failures (HTTP 423/429) 4 times; the sweep waited out its "
                        "declared lockout time (240 s in all) and went on"]
