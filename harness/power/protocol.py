"""The protocol every power driver implements."""

from typing import Protocol


class PowerError(Exception):
    """The driver could not switch the supply; the test that needed it is INCONCLUSIVE."""


class PowerSwitch(Protocol):
    """Cuts and restores the unit's supply. Implementations must not return before it is done."""

    def off(self) -> None: ...

    def on(self) -> None: ...
