"""Brings the reference lab up from nothing, and takes it down leaving nothing of ours behind."""

import shutil
import sys
from collections.abc import Sequence

from harness.lab.devices import DEVICES, REFERENCE_DEVICES
from harness.lab.errors import LabError
from harness.lab.images import write_update_images
from harness.lab.namespaces import chosen_units, clear_namespaces, create_lan
from harness.lab.power import device_power
from harness.lab.privilege import require_root
from harness.lab.qemu import reference as qemu_units
from harness.lab.readiness import wait_until_listening
from harness.lab.state import write_factory_state
from harness.lab.status import LabStatus, status
from harness.lab.topology import STATE_DIR
from harness.lab.vendor import create_vendor_key, public_key_hex
from harness.power.protocol import PowerError

READY_DEADLINE_S = 10.0


def up(devices: Sequence[str] | None = None, qemu: Sequence[str] = ()) -> LabStatus:
    """A fresh lab in factory state with `devices` (all by default) and the QEMU units `qemu` booted."""
    require_root()
    if devices is None:
        devices = list(DEVICES)
    units = [REFERENCE_DEVICES[name] for name in chosen_units(devices, list(REFERENCE_DEVICES), "lab")]
    machines = qemu_units.units(qemu)
    clear()
    create_lan([unit.host for unit in units])
    vendor_key = create_vendor_key()
    write_update_images(vendor_key)
    for unit in units:
        write_factory_state(unit, public_key_hex(vendor_key), sys.executable)
    if machines:
        qemu_units.prepare(machines)
    for unit in units:
        try:
            device_power(unit.name).on()
        except PowerError as error:
            raise LabError(f"could not power {unit.name} on: {error}") from error
    wait_until_listening(units, READY_DEADLINE_S)
    if machines:
        qemu_units.power_on(machines)
    return status()


def down() -> None:
    """Remove every tekigo-* namespace (after killing its processes) and the lab's state folder."""
    require_root()
    clear()


def clear() -> None:
    qemu_units.clear_stale()
    clear_namespaces()
    if STATE_DIR.exists():
        shutil.rmtree(STATE_DIR)
