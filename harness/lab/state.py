"""Writes a device's folder in factory state: accounts, keys, firmware, configuration, boot script."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from harness.lab import accounts
from harness.lab.devices import HTTP_PORT, SSH_PORT, TELNET_PORT, ReferenceDevice
from harness.lab.errors import LabError
from harness.lab.firmware import webadmin
from harness.lab.render import render
from harness.lab.topology import device_dir

FACTORY_SETTINGS = {"ntp_server": "ntp.nict.jp", "dns_server": "198.18.0.1", "remote_admin": False}
RAM_DIR = "/run/webadmin"  # the unit's tmpfs, mounted by its boot script
FIRMWARE = Path(webadmin.__file__)
LD_SO_CACHE = Path("/etc/ld.so.cache")


def write_factory_state(device: ReferenceDevice, vendor_public_key: str, python: str) -> None:
    """A fresh folder for `device`; `python` is the interpreter lighttpd runs the web admin with."""
    folder = device_dir(device.name)
    for sub in ("etc", "flash", "www"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    write_accounts(device, folder)
    if device.ssh:
        key = folder / "ssh_host_ed25519_key"
        done = subprocess.run(["dropbearkey", "-t", "ed25519", "-f", str(key)],
                              capture_output=True, text=True, timeout=10, check=False)
        if done.returncode != 0:
            raise LabError(f"dropbearkey failed for {device.name}: {done.stderr.strip()}")
    if device.telnet:
        # busybox picks the applet from argv[0]: telnetd runs this as its login program.
        (folder / "bin").mkdir()
        (folder / "bin" / "login").symlink_to("/bin/busybox")
    userfile = folder / "flash" / "webusers"
    if device.login == "basic":
        write_private(userfile, f"{device.factory_username}:{device.factory_password}\n")
    shutil.copyfile(FIRMWARE, folder / "www" / "webadmin.py")
    (folder / "webadmin.json").write_text(json.dumps(
        webadmin_config(device, folder, vendor_public_key, userfile), indent=2) + "\n")
    protected = ["/admin/"] + (["/settings"] if device.settings_protected else [])
    (folder / "lighttpd.conf").write_text(render(
        "lighttpd.conf.j2", device=device, www=folder / "www", http_port=HTTP_PORT, python=python,
        webadmin_config=folder / "webadmin.json", userfile=userfile, protected=protected,
    ))
    boot = folder / "boot"
    boot.write_text(render("boot.sh.j2", device=device, state=folder, ssh_port=SSH_PORT,
                           telnet_port=TELNET_PORT, python=python))
    boot.chmod(0o755)


def write_accounts(device: ReferenceDevice, folder: Path) -> None:
    etc = folder / "flash" / "etc" if device.etc_in_flash else folder / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "passwd").write_text(accounts.passwd_file(device.accounts))
    (etc / "group").write_text(accounts.group_file(device.accounts))
    (etc / "shells").write_text(accounts.shells_file(device.accounts))
    banner = f"{device.model} ({device.hostname})\n"
    for text in ("issue", "issue.net", "motd"):
        (etc / text).write_text(banner)
    if device.etc_in_flash:
        write_whole_etc(device, etc)
    in_etc = device.etc_in_flash or device.credential_store == "ram"
    shadow = etc / "shadow" if in_etc else folder / "flash" / "shadow"
    write_private(shadow, accounts.shadow_file(device.accounts))


def write_whole_etc(device: ReferenceDevice, etc: Path) -> None:
    """What else the unit reads from an /etc of its own: name lookups, avahi's folder, the first-login mark."""
    (etc / "nsswitch.conf").write_text("passwd: files\ngroup: files\nshadow: files\n")
    if LD_SO_CACHE.exists():  # where the dynamic linker finds the daemons' libraries
        shutil.copyfile(LD_SO_CACHE, etc / LD_SO_CACHE.name)
    (etc / "avahi" / "services").mkdir(parents=True)
    if device.forces_first_login_change:
        mark = etc / "first-login"  # its login shell notes here that the factory password was changed
        mark.mkdir()
        os.chown(mark, device.ssh_account_gid, device.ssh_account_gid)


def write_private(path: Path, text: str) -> None:
    """A file only root may read (passwords and their hashes), never world-readable even briefly."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(text)


def webadmin_config(device: ReferenceDevice, folder: Path, vendor_public_key: str, userfile: Path,
                    ) -> dict[str, object]:
    """The firmware's switches (see webadmin.Config)."""
    return {
        "model": device.model,
        "login": device.login,
        "forced_change": device.forced_change,
        "password_policy": device.password_policy,
        "settings_protected": device.settings_protected,
        "credential_store": device.credential_store,
        "signature_required": device.signature_required,
        "factory_username": device.factory_username,
        "factory_password_hash": webadmin.hash_password(device.factory_password),
        "factory_firmware_version": device.factory_firmware_version,
        "factory_settings": FACTORY_SETTINGS,
        "flash_dir": str(folder / "flash"),
        "ram_dir": RAM_DIR,
        "vendor_public_key": vendor_public_key,
        "shadow_file": "/etc/shadow",
        "ssh_account": device.ssh_account,
        "basic_userfile": str(userfile) if device.login == "basic" else None,
        "upnp": upnp_description(device) if device.upnp else None,
        "applies_updates": device.applies_updates,
        "first_run_setup": device.first_run_setup,
    }


def upnp_description(device: ReferenceDevice) -> dict[str, str]:
    """The UPnP device description's fields; its UDN and type match what the SSDP firmware announces."""
    return {"deviceType": "urn:schemas-upnp-org:device:Basic:1", "friendlyName": f"{device.model} {device.hostname}",
            "manufacturer": "tekigo reference lab", "modelName": device.model, "UDN": f"uuid:{device.upnp_uuid}"}
