"""Choosing the power driver a profile declares, and the timed power cycle every driver shares."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.power.manual import ManualPower
from harness.power.netns import NetnsPower
from harness.power.protocol import PowerSwitch
from harness.power.qemu import QemuPower
from harness.power.serial_relay import SerialRelay
from harness.power.shelly import ShellySwitch
from harness.power.snmp_pdu import ApcOutlet
from harness.power.tasmota import TasmotaPlug
from harness.profile import (
    NetnsPowerSettings,
    PowerSettings,
    QemuPowerSettings,
    SerialRelayPowerSettings,
    ShellyPowerSettings,
    SnmpPduPowerSettings,
    TasmotaPowerSettings,
)


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
        return ShellySwitch(settings.address, settings.generation, settings.channel, username, password)
    if isinstance(settings, SnmpPduPowerSettings):
        return ApcOutlet(settings.address, settings.outlet, settings.write_community.get_secret_value(),
                         settings.port)
    if isinstance(settings, SerialRelayPowerSettings):
        return SerialRelay(settings.port, settings.relay, settings.baudrate)
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
