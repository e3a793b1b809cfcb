"""The power switch of a reference device: SIGKILL all of its namespace, or run its boot script."""

from harness.lab.devices import DEVICES, REFERENCE_DEVICES
from harness.lab.errors import LabError
from harness.lab.topology import device_dir
from harness.power.netns import NetnsPower


def device_power(device: str) -> NetnsPower:
    if device not in REFERENCE_DEVICES:
        raise LabError(f"no reference device {device!r}; the lab has {', '.join(DEVICES)}")
    folder = device_dir(device)
    return NetnsPower(REFERENCE_DEVICES[device].host.namespace, boot=folder / "boot", log=folder / "console.log")
