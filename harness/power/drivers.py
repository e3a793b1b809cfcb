"""Choosing the power driver a profile declares, and the timed power cycle every driver shares."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.power.manual import ManualPower
from harness.power.netns import NetnsPower
from harness.power.protocol import PowerSwitch
from harness.profile import NetnsPowerSettings, PowerSettings


def power_switch(settings: PowerSettings) -> PowerSwitch:
    if isinstance(settings, NetnsPowerSettings):
        return NetnsPower(namespace=settings.namespace, boot=settings.boot, log=settings.console_log)
    return ManualPower()


@dataclass(frozen=True)
class PowerCycle:
    """How long the cut and the recovery took, for the evidence."""

    off_s: float
    on_s: float
    recovery_s: float


def power_cycle(switch: PowerSwitch, wait_for: Callable[[], float], off_for_s: float = 1.0) -> PowerCycle:
    """Cut power, keep it off for `off_for_s`, restore it, and wait (bounded) for the unit."""
    started = time.monotonic()
    switch.off()
    off_s = time.monotonic() - started
    time.sleep(off_for_s)
    started = time.monotonic()
    switch.on()
    on_s = time.monotonic() - started
    return PowerCycle(off_s=off_s, on_s=on_s, recovery_s=wait_for())
