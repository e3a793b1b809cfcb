"""The power switch of a zoo unit: SIGKILL all of its namespace, or run its boot script."""

from harness.lab.errors import LabError
from harness.lab.zoo.topology import unit_dir
from harness.lab.zoo.units import ZOO_UNITS
from harness.power.netns import NetnsPower


def unit_power(name: str) -> NetnsPower:
    if name not in ZOO_UNITS:
        raise LabError(f"no zoo unit {name!r}; the zoo has {', '.join(ZOO_UNITS)}")
    folder = unit_dir(name)
    return NetnsPower(ZOO_UNITS[name].host.namespace, boot=folder / "boot", log=folder / "console.log")
