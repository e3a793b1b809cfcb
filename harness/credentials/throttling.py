"""Whether a unit slows down or locks out repeated failed logins: informational (EN 303 645 5.1-5, JC-STAR S1.1-04).

Findings only; they never decide a verdict. Three signs are read from one sweep: lockout answers
(HTTP 423/429), the unit's own valid credential refused right after the sweep though it worked just
before, and failures answered ever more slowly (the first batches against the last ones).
"""

from dataclasses import dataclass
from statistics import median

from harness.credentials.sweep import SweepOutcome

CROSS_REFERENCE = "EN 303 645 5.1-5; JC-STAR S1.1-04"
WINDOW = 5  # batches compared at each end of the sweep
SLOWER_FACTOR = 2.0  # the last answers take at least this many times as long as the first ...
SLOWER_BY_S = 0.5  # ... and at least this much longer, per try


@dataclass(frozen=True)
class KnownGood:
    """The unit's current credential on the swept interface: accepted before the sweep, and right after.

    `after` is None when it was not checked after (the sweep got in, or the check was not possible);
    `after_error` says why a check after the sweep got no answer.
    """

    before: bool
    after: bool | None = None
    after_error: str = ""


def throttling_findings(outcome: SweepOutcome, known_good: KnownGood | None) -> list[str]:
    """Plain-language findings on how the unit met the sweep's failed logins."""
    failures = outcome.refused
    findings = []
    if outcome.lockouts_waited:
        findings.append(f"the unit locked out repeated failures (HTTP 423/429) {outcome.lockouts_waited} times; "
                        f"the sweep waited out its declared lockout time ({outcome.waited_s:.0f} s in all) "
                        "and went on")
    if outcome.lockout:
        findings.append(f"the unit answered with a lockout (HTTP 423/429) after {failures} failed logins; "
                        "the sweep stopped there")
    if known_good is not None and known_good.before and known_good.after is False:
        findings.append(f"right after {failures} failed logins the unit refused its own valid credential, "
                        "which it had accepted before the sweep: it locks out repeated failures")
    if known_good is not None and known_good.before and known_good.after_error:
        findings.append(f"right after {failures} failed logins the unit did not answer a login with its own "
                        f"valid credential ({known_good.after_error}): it may block the tester's address")
    slowdown = _slowdown(outcome)
    if slowdown is not None:
        first, last = slowdown
        findings.append(f"failed logins were answered ever more slowly: {first:.2f} s a try in the first "
                        f"batches, {last:.2f} s in the last ({failures} failures): the unit throttles")
    if not findings and outcome.timings and failures:
        active_s = outcome.seconds - outcome.held_s
        rate = failures / active_s if active_s > 0 else 0.0
        typical = median(t.per_answer_s for t in outcome.timings)
        still = " and its valid credential still worked afterwards" if known_good and known_good.after else ""
        held = (f" ({outcome.held_s:.0f} s of them held back to keep abreast of the unit's slower sweep, "
                "not counted in the rate)" if outcome.held_s >= 1 else "")
        findings.append(f"no lockout and no growing delay: the unit answered {failures} failed logins in "
                        f"{outcome.seconds:.0f} s{held} ({rate:.1f} a second from one tester address, "
                        f"{typical:.2f} s a try, median){still}")
    return findings


def _slowdown(outcome: SweepOutcome) -> tuple[float, float] | None:
    """(first, last) median seconds a try when the last batches were answered much more slowly."""
    timings = sorted(outcome.timings, key=lambda t: t.started_s)
    if len(timings) < 2 * WINDOW:
        return None
    first = median(t.per_answer_s for t in timings[:WINDOW])
    last = median(t.per_answer_s for t in timings[-WINDOW:])
    if last >= SLOWER_FACTOR * first and last - first >= SLOWER_BY_S:
        return first, last
    return None
