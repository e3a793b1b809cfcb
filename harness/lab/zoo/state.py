"""Writes a zoo unit's folder in factory state: the package's shipped configuration and data, and its boot."""

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from harness.lab.errors import LabError
from harness.lab.render import render
from harness.lab.zoo.topology import unit_dir
from harness.lab.zoo.units import ShippedConfig, ZooUnit

TEMPLATES = Path(__file__).parent / "templates"


def package_version(package: str) -> str:
    """The installed Debian version of `package`; LabError when it is not installed."""
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}\t${Version}", package],
                          capture_output=True, text=True, timeout=10, check=False)
    status, _, version = done.stdout.partition("\t")
    if done.returncode != 0 or not status.endswith(" installed"):
        raise LabError(f"zoo unit needs the Debian package {package}: run scripts/install.sh")
    return version


def write_factory_state(unit: ZooUnit) -> None:
    """A fresh folder for `unit`: its configuration copied from the package, its data as shipped, its boot."""
    version = package_version(unit.package)
    folder = unit_dir(unit.name)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    folder.chmod(0o755)  # the daemons run as their own users and must reach their files in here
    for config in unit.configs:
        write_config(config, folder)
    data = folder / "data"
    if unit.data is not None:
        copied = subprocess.run(["cp", "-a", f"{unit.data}/.", str(data)],
                                capture_output=True, text=True, timeout=30, check=False)
        if copied.returncode != 0:
            raise LabError(f"could not copy {unit.data} for zoo unit {unit.name}: {copied.stderr.strip()}")
    else:
        data.mkdir()
    boot = folder / "boot"
    boot.write_text(render(unit.template, TEMPLATES, unit=unit, state=folder, version=version))
    boot.chmod(0o755)


def write_config(config: ShippedConfig, folder: Path) -> None:
    """The shipped file with its edits applied, each of which must match exactly once."""
    try:
        text = config.source.read_text()
    except OSError as error:
        raise LabError(f"cannot read the shipped {config.source}: {error}") from error
    for edit in config.edits:
        if text.count(edit.old) != 1:
            raise LabError(f"{config.source} no longer holds {edit.old!r} exactly once (the edit: {edit.why}); "
                           f"the package's default changed: check the zoo profile's expectations")
        text = text.replace(edit.old, edit.new)
    target = folder / config.copy
    if config.own_folder:  # as the package made it: same owner and mode, so the daemon may write in it
        shipped = config.source.parent.stat()
        target.parent.mkdir()
        os.chown(target.parent, shipped.st_uid, shipped.st_gid)
        target.parent.chmod(shipped.st_mode & 0o7777)
    target.write_text(text)
    os.chown(target, 0, grp.getgrgid(pwd.getpwnam(config.owner).pw_gid).gr_gid)
    target.chmod(config.mode)
    if config.mode & 0o070 == 0:
        os.chown(target, pwd.getpwnam(config.owner).pw_uid, -1)
