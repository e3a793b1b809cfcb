"""Choosing the power driver a profile declares, and the timed power cycle every driver shares."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.power.labgrid_port import LabgridPowerPort
from harness.power.manual import ManualPower
from harness.power.netns import NetnsPower
from harness.power.protocol import PowerError, PowerSwitch
from harness.power.qemu import QemuPower
from harness.power.serial_relay import SerialRelay
from harness.power.shelly import ShellyGen2Switch
from harness.power.snmp_pdu import ApcOutlet
from harness.power.tasmota import TasmotaPlug
from harness.profile import (
    LabgridPowerSettings,
    NetnsPowerSettings,
    PowerSettings,
    QemuPowerSettings,
    SerialRelayPowerSettings,
    ShellyPowerSettings,
    SnmpPduPowerSettings,
    TasmotaPowerSettings,
)
from harness.verdict import Inconclusive


def power_switch(settings: PowerSettings) -> PowerSwitch:
    if isinstance(settings, NetnsPowerSettings):
        return NetnsPower(namespace=settings.namespace, boot=settings.boot, log=settings.console_log)
    if isinstance(settings, QemuPowerSettings):
        return QemuPower(machine=settings.machine, boot_timeout_s=settings.boot_timeout_s)
    if isinstance(settings, TasmotaPowerSettings | ShellyPowerSettings):
        login = settings.credentials
        username, password = (login.username, login.password.get_secret_value()) if login else (None, None)
        if isinstance(settings, TasmotaPowerSettings):
            return TasmotaPlug(settings.address, settings.relay, username, password)
        return shelly_switch(settings.address, settings.generation, settings.channel, username, password)
    if isinstance(settings, SnmpPduPowerSettings):
        return ApcOutlet(settings.address, settings.outlet, settings.write_community.get_secret_value(),
                         settings.port)
    if isinstance(settings, SerialRelayPowerSettings):
        return SerialRelay(settings.port, settings.relay, settings.baudrate)
    if isinstance(settings, LabgridPowerSettings):
        raise PowerError(f"the unit's power is labgrid place {settings.place}: run it with `tekigo run`, which "
                         "holds the place at the coordinator")
    return ManualPower()


def shelly_switch(address: str, generation: int, channel: int, username: str | None, password: str | None
                  ) -> PowerSwitch:
    """A Gen1 Shelly through labgrid's shelly_gen1 backend, a Gen2 through tekigo's own RPC client (harness/power/
    shelly.py says why)."""
    if generation == 2:
        return ShellyGen2Switch(address, password, channel, username or "admin")
    from urllib.parse import quote

    login = f"{quote(username or 'admin', safe='')}:{quote(password, safe='')}@" if password is not None else ""
    return LabgridPowerPort(f"shelly_gen{generation}", f"http://{login}{address}", channel,
                            label=f"Shelly {address} channel {channel}")


@dataclass(frozen=True)
class PowerCycle:
    """How long the cut and the recovery took, for the evidence."""

    off_s: float
    on_s: float
    recovery_s: float


class PowerCutNotSeen(PowerError):
    """The driver reported the supply cut, yet the unit kept answering: a miswired outlet or a wrong driver."""


class UnitNotSteady(Inconclusive):
    """The unit answered after power came back, then stopped answering again (it is restarting)."""


WENT_DOWN_WITHIN_S = 3.0  # a unit whose supply is cut stops answering at once; allow for a slow relay
STEADY_FOR_S = 1.5  # after it first answers, the unit must keep answering this long
POLL_S = 0.1


def power_cycle(switch: PowerSwitch, wait_for: Callable[[], float], off_for_s: float = 1.0,
                answers: Callable[[], bool] | None = None) -> PowerCycle:
    """Cut power, keep it off for `off_for_s`, restore it, and wait (bounded) for the unit.

    With `answers` (does the unit answer right now?) the cut is verified, not taken on the driver's
    word: the unit must stop answering, and once back it must keep answering for STEADY_FOR_S.
    """
    started = time.monotonic()
    switch.off()
    off_s = time.monotonic() - started
    if answers is not None:
        _wait_until_down(answers)
    time.sleep(max(0.0, off_for_s - (time.monotonic() - started - off_s)))
    started = time.monotonic()
    switch.on()
    on_s = time.monotonic() - started
    recovery_s = wait_for()
    if answers is not None:
        _check_steady(answers, recovery_s)
    return PowerCycle(off_s=off_s, on_s=on_s, recovery_s=recovery_s)


def _wait_until_down(answers: Callable[[], bool]) -> None:
    started = time.monotonic()
    while answers():
        if time.monotonic() - started > WENT_DOWN_WITHIN_S:
            raise PowerCutNotSeen(f"the driver reported the power off, but the unit still answered "
                                  f"{WENT_DOWN_WITHIN_S:.0f} s later: the cut did not happen")
        time.sleep(POLL_S)


def _check_steady(answers: Callable[[], bool], recovery_s: float) -> None:
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < STEADY_FOR_S:
        if not answers():
            raise UnitNotSteady(f"the unit answered {recovery_s:.1f} s after power came back, then stopped "
                                f"answering {elapsed:.1f} s later: it is restarting (a reboot loop?)")
        time.sleep(POLL_S)
