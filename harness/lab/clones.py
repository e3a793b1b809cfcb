"""Profiles for the copies of r1 (`tekigo lab up --clones N`): r1's profile, pointed at the copy."""

from pathlib import Path

import yaml

from harness.lab.devices import CLONES
from harness.lab.topology import device_dir


def clone_profile(name: str, r1_profile: Path, folder: Path) -> Path:
    """Write r1's profile for the copy `name` (its address, serial, namespace and boot) into `folder`."""
    clone = CLONES[name]
    profile = yaml.safe_load(r1_profile.read_text(encoding="utf-8"))
    profile["equipment"]["serial"] = f"R1-{clone.host.address.rsplit('.', 1)[1]:0>6}"
    profile["unit"]["address"] = clone.host.address
    profile["power"] |= {"namespace": clone.host.namespace, "boot": str(device_dir(name) / "boot"),
                         "console_log": str(device_dir(name) / "console.log")}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-router.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
