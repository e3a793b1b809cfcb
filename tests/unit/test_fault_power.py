"""A power cycle is verified, not taken on the driver's word: a failing driver, a cut that never happened
and a unit that keeps restarting each end the cycle with the reason (the power-cut check is INCONCLUSIVE)."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from harness.power import drivers
from harness.power.drivers import PowerCutNotSeen, UnitNotSteady, power_cycle
from harness.power.protocol import PowerError
from harness.verdict import Inconclusive


@dataclass
class FakeUnit:
    """A unit behind a switch: `cut_works` says whether off() really cuts it; `answers_after_on` scripts its replies."""

    cut_works: bool = True
    fail_with: str | None = None
    answers_after_on: list[bool] = field(default_factory=list)
    powered: bool = True

    def off(self) -> None:
        if self.fail_with:
            raise PowerError(self.fail_with)
        self.powered = not self.cut_works

    def on(self) -> None:
        self.powered = True

    def answers(self) -> bool:
        if self.powered and self.answers_after_on and self.cut_works:
            return self.answers_after_on.pop(0)
        return self.powered


@pytest.fixture(autouse=True)
def _fast(monkeypatch) -> None:
    monkeypatch.setattr(drivers, "WENT_DOWN_WITHIN_S", 0.3)
    monkeypatch.setattr(drivers, "STEADY_FOR_S", 0.3)
    monkeypatch.setattr(drivers, "POLL_S", 0.01)


def cycle(unit: FakeUnit) -> Callable[[], drivers.PowerCycle]:
    return lambda: power_cycle(unit, wait_for=lambda: 0.1, off_for_s=0.0, answers=unit.answers)


def test_a_driver_that_raises_stops_the_cycle_with_its_reason() -> None:
    with pytest.raises(PowerError, match="outlet 3 did not answer"):
        cycle(FakeUnit(fail_with="outlet 3 did not answer"))()


def test_a_cut_the_driver_reports_but_that_never_happened_is_caught() -> None:
    with pytest.raises(PowerCutNotSeen, match="the cut did not happen"):
        cycle(FakeUnit(cut_works=False))()


def test_a_unit_that_answers_then_restarts_is_not_steady() -> None:
    with pytest.raises(UnitNotSteady, match="reboot loop") as caught:
        cycle(FakeUnit(answers_after_on=[True, True, False]))()
    assert isinstance(caught.value, Inconclusive)


def test_a_real_cut_and_a_steady_unit_complete_the_cycle() -> None:
    result = cycle(FakeUnit())()
    assert result.recovery_s == 0.1


def test_without_an_answer_probe_the_cycle_trusts_the_driver_as_before() -> None:
    unit = FakeUnit(cut_works=False)
    assert power_cycle(unit, wait_for=lambda: 0.2, off_for_s=0.0).recovery_s == 0.2
