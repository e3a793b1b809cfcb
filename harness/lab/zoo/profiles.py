"""The zoo's profiles and the unit each one describes (its netns power driver's namespace, tkzoo-<unit>)."""

from collections.abc import Sequence
from pathlib import Path

from harness.lab.errors import LabError
from harness.lab.zoo.topology import ZOO_PREFIX
from harness.lab.zoo.units import ZOO_UNITS
from harness.profile_loader import ProfileError, load_profile


def zoo_profiles(folder: Path, only: Sequence[str] | None = None) -> dict[Path, str]:
    """Each profile in `folder` with its zoo unit's name, in name order; `only` keeps those units' profiles."""
    found: dict[Path, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            power = load_profile(path).power
        except ProfileError as error:
            raise LabError(f"zoo profile {path}: {error}") from error
        namespace = getattr(power, "namespace", "")
        unit = namespace.removeprefix(ZOO_PREFIX)
        if power.driver != "netns" or not namespace.startswith(ZOO_PREFIX) or unit not in ZOO_UNITS:
            raise LabError(f"zoo profile {path}: power must be the netns driver of a zoo unit "
                           f"({', '.join(ZOO_PREFIX + name for name in ZOO_UNITS)})")
        found[path] = unit
    if only:
        unknown = sorted(set(only) - set(found.values()))
        if unknown:
            raise LabError(f"no zoo profile for {unknown} in {folder}")
        found = {path: unit for path, unit in found.items() if unit in only}
    if not found:
        raise LabError(f"no zoo profiles in {folder}")
    return found
