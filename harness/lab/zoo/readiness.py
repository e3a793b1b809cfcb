"""Waits until the zoo units' TCP ports accept connections from the zoo's tester."""

import time
from collections.abc import Sequence

from harness.lab.errors import LabError
from harness.lab.readiness import closed_ports, console_tail
from harness.lab.zoo.topology import ZOO_TESTER, unit_dir
from harness.lab.zoo.units import ZooUnit
from harness.power.netns import namespace_pids


def wait_until_listening(units: Sequence[ZooUnit]) -> None:
    """Return once every port of every unit accepts; LabError with the console's tail otherwise."""
    started = time.monotonic()
    wanted = [(unit.address, port) for unit in units for port in unit.ports]
    while closed := closed_ports(wanted, ZOO_TESTER):
        waiting = [unit for unit in units if any(address == unit.address for address, _ in closed)]
        dead = [unit for unit in waiting if not namespace_pids(unit.host.namespace)]
        late = [unit for unit in waiting if time.monotonic() - started > unit.boot_deadline_s]
        if dead or late:
            culprit = (dead or late)[0]
            why = ("its boot script exited" if dead else
                   f"ports {[port for address, port in closed if address == culprit.address]} still closed "
                   f"after {culprit.boot_deadline_s:.0f} s")
            raise LabError(f"zoo unit {culprit.name} did not come up ({why}); console.log ends:\n"
                           f"{console_tail(culprit.name, unit_dir(culprit.name))}")
        time.sleep(0.1)
