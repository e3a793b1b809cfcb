"""Verdicts and the rule that combines them: never a false PASS."""

from collections.abc import Iterable
from enum import StrEnum


class Verdict(StrEnum):
    """The outcome of one check, one requirement or one unit."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Inconclusive(Exception):
    """Raised by a check that could not decide (unreachable unit, missing driver, odd answer)."""


class NotApplicable(Exception):
    """Raised by a check that the profile's declarations make not applicable; the reason is required."""


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """Any FAIL fails; otherwise anything undecided is INCONCLUSIVE; PASS needs at least one PASS.

    A requirement whose checks were all NOT_APPLICABLE is NOT_APPLICABLE; one with no checks at all
    is INCONCLUSIVE (nothing ran, so nothing was shown).
    """
    seen = set(verdicts)
    if not seen:
        return Verdict.INCONCLUSIVE
    if Verdict.FAIL in seen:
        return Verdict.FAIL
    if Verdict.INCONCLUSIVE in seen:
        return Verdict.INCONCLUSIVE
    if Verdict.PASS in seen:
        return Verdict.PASS
    return Verdict.NOT_APPLICABLE


def equipment_verdict(requirement_verdicts: Iterable[Verdict], met_by_equivalence: bool = False) -> Verdict:
    """適合 only if every required item passed (or is met by a recorded equivalence); any FAIL is 不適合;
    otherwise 判定不能.

    NOT_APPLICABLE items (with a profile reason) neither help nor hurt, but a unit with no item
    that passed is not shown to conform, unless the items are NOT_APPLICABLE by a recorded
    equivalence (`met_by_equivalence`): then it conforms by equivalence, which the record says.
    """
    overall = combine(list(requirement_verdicts))
    if overall is Verdict.NOT_APPLICABLE:
        return Verdict.PASS if met_by_equivalence else Verdict.INCONCLUSIVE
    return overall
