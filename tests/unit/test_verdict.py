"""The verdict rules of DESIGN.md: never a false PASS."""

import pytest

from harness.verdict import Verdict, combine, equipment_verdict

P, F, U, N = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.NOT_APPLICABLE  # U: undecided


@pytest.mark.parametrize(("checks", "expected"), [
    ([P, P], P),
    ([P, F, U], F),
    ([P, U], U),
    ([P, N], P),
    ([N, N], N),
    ([], U),
])
def test_requirement_verdict(checks: list[Verdict], expected: Verdict) -> None:
    assert combine(checks) is expected


def test_equipment_conforms_only_when_every_item_passed() -> None:
    assert equipment_verdict([P, P, P, P]) is P
    assert equipment_verdict([P, P, U, P]) is U
    assert equipment_verdict([P, F, U, P]) is F
    assert equipment_verdict([N, N, N, N]) is U


def test_items_not_applicable_by_a_recorded_equivalence_conform_and_nothing_else_changes() -> None:
    assert equipment_verdict([N, N, N, N], met_by_equivalence=True) is P
    assert equipment_verdict([N, P, P, P], met_by_equivalence=True) is P
    assert equipment_verdict([N, F, P, P], met_by_equivalence=True) is F
    assert equipment_verdict([N, U, P, P], met_by_equivalence=True) is U
