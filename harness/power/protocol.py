"""The protocol every power driver implements."""

from typing import Protocol, runtime_checkable


class PowerError(Exception):
    """The driver could not switch the supply; the test that needed it is INCONCLUSIVE."""


class PowerSwitch(Protocol):
    """Cuts and restores the unit's supply. Implementations must not return before it is done."""

    def off(self) -> None: ...

    def on(self) -> None: ...


@runtime_checkable
class KeepsConsole(Protocol):
    """A power switch that also records the unit's serial console (QEMU's, or a labgrid place's)."""

    def console_of_last_boots(self, boots: int = 2) -> str: ...
