"""Brings the zoo up from nothing and takes it down, touching only namespaces and folders of its own."""

import shutil
from collections.abc import Sequence

from harness.lab.errors import LabError
from harness.lab.namespaces import chosen_units, clear_namespaces, create_lan
from harness.lab.privilege import require_root
from harness.lab.zoo.power import unit_power
from harness.lab.zoo.readiness import wait_until_listening
from harness.lab.zoo.state import write_factory_state
from harness.lab.zoo.topology import ZOO_BRIDGE_NAMESPACE, ZOO_DIR, ZOO_PREFIX, ZOO_TESTER
from harness.lab.zoo.units import ZOO_UNITS, ZooUnit
from harness.power.protocol import PowerError


def up(names: Sequence[str] | None = None) -> list[ZooUnit]:
    """A fresh zoo with the units `names` (all by default) booted in factory state; a stale zoo is cleared."""
    require_root()
    units = [ZOO_UNITS[name] for name in chosen_units(names, list(ZOO_UNITS), "zoo")]
    clear()
    for unit in units:
        write_factory_state(unit)
    create_lan([unit.host for unit in units], ZOO_BRIDGE_NAMESPACE, ZOO_TESTER)
    for unit in units:
        try:
            unit_power(unit.name).on()
        except PowerError as error:
            raise LabError(f"could not power zoo unit {unit.name} on: {error}") from error
    wait_until_listening(units)
    return units


def down() -> None:
    """Remove every tkzoo-* namespace (after killing its processes) and the zoo's folder."""
    require_root()
    clear()


def clear() -> None:
    clear_namespaces(ZOO_PREFIX)
    if ZOO_DIR.exists():
        shutil.rmtree(ZOO_DIR)
