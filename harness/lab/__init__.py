"""The reference lab: network namespaces on a bridge, and reference devices running real Debian daemons."""

from harness.lab.errors import LabError
from harness.lab.lifecycle import down, up
from harness.lab.lock import exclusive_lab
from harness.lab.namespaces import tester_command
from harness.lab.power import device_power
from harness.lab.privilege import require_root
from harness.lab.status import DeviceStatus, LabStatus, status

__all__ = [
    "DeviceStatus",
    "LabError",
    "LabStatus",
    "device_power",
    "down",
    "exclusive_lab",
    "require_root",
    "status",
    "tester_command",
    "up",
]
