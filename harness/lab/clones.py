"""Profiles for the copies of r1 (`tekigo lab up --clones N`) and of q1: the original's profile, pointed at the copy."""

from pathlib import Path

import yaml

from harness.lab.devices import CLONES
from harness.lab.qemu.reference import machine_file
from harness.lab.qemu.update_images import swu_path
from harness.lab.qemu.variants import QEMU_COPIES
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


def qemu_copy_profile(name: str, q1_profile: Path, folder: Path) -> Path:
    """Write q1's profile for the QEMU copy `name` (its address, serial, machine and update images) into `folder`."""
    copy = QEMU_COPIES[name]
    profile = yaml.safe_load(q1_profile.read_text(encoding="utf-8"))
    update = profile["firmware"]["update"]
    profile["equipment"]["serial"] = f"Q1-{copy.host.address.rsplit('.', 1)[1]:0>6}"
    profile["unit"]["address"] = copy.host.address
    profile["power"]["machine"] = str(machine_file(name))
    update["image"] = str(swu_path(name, update["expected_version"]))
    update["older_image"] = str(swu_path(name, update["older_version"]))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-router-qemu.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
