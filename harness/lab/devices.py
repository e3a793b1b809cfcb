"""The three reference devices: what each unit is and how its firmware is switched to behave."""

import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from harness.lab import firmware
from harness.lab.topology import DEVICE_HOSTS, Host

LoginMethod = Literal["form", "basic", "json"]
CredentialStore = Literal["flash", "ram"]

LOGIN_SHELL = "/bin/sh"
FIRST_LOGIN_SHELL = "/usr/local/bin/first-login"  # s1's admin: runs passwd until the factory password is changed
ADMIN_UID = 61000  # uids the host does not use; they exist only inside the device's own /etc/passwd
HTTP_PORT = 80
SSH_PORT = 22
TELNET_PORT = 23
MQTT_PORT = 1883
IGD_PORT = 5000  # miniupnpd's HTTP port: device description and SOAP control


@dataclass(frozen=True)
class Account:
    """A login account of the unit's operating system; password None means locked (`!`)."""

    name: str
    uid: int
    password: str | None
    shell: str = LOGIN_SHELL


@dataclass(frozen=True)
class ReferenceDevice:
    """A reference unit: its identity, its daemons and the switches of its web admin firmware."""

    name: str
    hostname: str
    model: str
    server_tag: str
    login: LoginMethod
    forced_change: bool
    password_policy: bool
    settings_protected: bool
    credential_store: CredentialStore
    signature_required: bool
    ssh: bool
    telnet: bool
    accounts: tuple[Account, ...]
    ssh_account: str | None
    factory_username: str = "admin"
    factory_password: str = "admin"
    factory_firmware_version: str = "1.0.0"
    upnp: bool = False  # answers SSDP M-SEARCH as a UPnP root device (its ssdp firmware)
    snmp: Literal["off", "read_only", "writable"] = "off"  # net-snmp agent: 'public' read-only, plus 'private' rw
    mqtt: Literal["off", "password", "anonymous"] = "off"  # mosquitto: only with a password, or anyone
    igd: Literal["off", "denied", "open"] = "off"  # miniupnpd: refuses every mapping, or maps for any LAN host
    applies_updates: bool = True  # False: its web admin answers an update upload 200 and flashes nothing
    ssh_blank_logins: bool = False  # dropbear -B: an account with an empty password gets in by 'none' auth
    ssh_update: bool = False  # `fw_update IMAGE` over SSH hands the image to its root update agent
    web: bool = True  # False: no lighttpd and no web admin at all (an SSH-only unit)
    first_run_setup: bool = False  # no preset credential: the first user creates the admin account (/api/setup)
    etc_in_flash: bool = False  # the unit's whole /etc is a flash folder (busybox passwd replaces /etc/shadow)

    @property
    def host(self) -> Host:
        return DEVICE_HOSTS[self.name]

    @property
    def announced_services(self) -> tuple[tuple[str, int], ...]:
        """The DNS-SD service types (and ports) its avahi-daemon announces: one per service it runs."""
        return tuple((kind, port) for kind, port in
                     (("_ssh._tcp", SSH_PORT), ("_telnet._tcp", TELNET_PORT), ("_http._tcp", HTTP_PORT))
                     if port in self.ports)

    @property
    def igd_port(self) -> int:
        return IGD_PORT

    @property
    def upnp_uuid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{self.hostname}.tekigo-lab"))

    @property
    def upnp_firmware(self) -> Path:
        return Path(firmware.__file__).parent / "ssdp.py"

    @property
    def update_agent(self) -> Path:
        return Path(firmware.__file__).parent / "update_agent.py"

    @property
    def fw_update_command(self) -> Path:
        return Path(firmware.__file__).parent / "fw_update.py"

    @property
    def first_login_shell(self) -> Path:
        return Path(firmware.__file__).parent / "first_login.sh"

    @property
    def forces_first_login_change(self) -> bool:
        """Its SSH account's login shell runs passwd until the factory password is changed."""
        return any(account.shell == FIRST_LOGIN_SHELL for account in self.accounts)

    @property
    def ssh_account_gid(self) -> int:
        """The group of the SSH account (its own, as in `accounts.group_file`): who may ask the update agent."""
        return next(account.uid for account in self.accounts if account.name == self.ssh_account)

    @property
    def ports(self) -> tuple[int, ...]:
        """TCP ports the unit listens on once booted."""
        return tuple(
            port
            for port, enabled in ((SSH_PORT, self.ssh), (TELNET_PORT, self.telnet), (HTTP_PORT, self.web),
                                  (MQTT_PORT, self.mqtt != "off"), (IGD_PORT, self.igd != "off"))
            if enabled
        )


_LOCKED_ROOT = Account("root", 0, None)
# avahi-daemon looks its user up at start even with --no-drop-root; locked, as on a real unit.
_AVAHI = Account("avahi", ADMIN_UID + 100, None)

DEVICES: dict[str, ReferenceDevice] = {
    # Conforming router: forced change, protected settings, signed updates, everything in flash.
    "r1": ReferenceDevice(
        name="r1", hostname="tkg-r1", model="TKG-R1", server_tag="TKG-R1 WebAdmin/1.0",
        login="form", forced_change=True, password_policy=True, settings_protected=True,
        credential_store="flash", signature_required=True, ssh=True, telnet=False,
        accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, None), _AVAHI), ssh_account="admin",
        snmp="read_only",
    ),
    # Non-conforming camera: fixed default credentials, open settings, unsigned updates, telnet.
    "c1": ReferenceDevice(
        name="c1", hostname="tkg-c1", model="TKG-C1", server_tag="TKG-C1 IPCam httpd",
        login="basic", forced_change=False, password_policy=False, settings_protected=False,
        credential_store="flash", signature_required=False, ssh=False, telnet=True,
        accounts=(Account("root", 0, "xc3511"), Account("admin", ADMIN_UID, "admin"), _AVAHI), ssh_account=None,
        upnp=True, snmp="writable",
    ),
    # Recorder: forced change and signed updates, but the changed password lives in RAM only.
    "n1": ReferenceDevice(
        name="n1", hostname="tkg-n1", model="TKG-N1", server_tag="TKG-N1 NVR",
        login="json", forced_change=True, password_policy=True, settings_protected=True,
        credential_store="ram", signature_required=True, ssh=True, telnet=False,
        accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, None), _AVAHI), ssh_account="admin",
    ),
}

# r1 again at other addresses (own namespace, flash and host name), started only when asked for.
CLONES: dict[str, ReferenceDevice] = {
    name: replace(DEVICES["r1"], name=name, hostname=f"tkg-{name}") for name in DEVICE_HOSTS if name.startswith("r1x")
}
# Item-1 surface units: r1's firmware plus an MQTT broker and a UPnP IGD, configured safely (u1) or not (u2).
# u2 also lets admin into SSH by 'none' auth (empty password, dropbear -B) and never installs an update.
# Both take updates over SSH too (`fw_update`): u1 verifies and flashes them, u2 answers 0 and flashes nothing.
SURFACE_UNITS: dict[str, ReferenceDevice] = {
    "u1": replace(DEVICES["r1"], name="u1", hostname="tkg-u1", model="TKG-U1", server_tag="TKG-U1 Gateway",
                  snmp="read_only", mqtt="password", igd="denied", ssh_update=True),
    "u2": replace(DEVICES["r1"], name="u2", hostname="tkg-u2", model="TKG-U2", server_tag="TKG-U2 Gateway",
                  snmp="writable", mqtt="anonymous", igd="open", applies_updates=False, ssh_blank_logins=True,
                  ssh_update=True,
                  accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, ""), _AVAHI)),
}
# Unique-per-unit units (item 2 path b): no forced change, the factory password printed on each unit's label.
# pu3 shares pu1's label (a batch shipped with one password) and pu4's is in the sweep dictionary: both fail.
LABELS = {"pu1": "Lbl-pu1-7Kq2wX9d", "pu2": "Lbl-pu2-Hm4r3ZtB", "pu3": "Lbl-pu1-7Kq2wX9d", "pu4": "admin1234"}
UNIQUE_UNITS: dict[str, ReferenceDevice] = {
    name: replace(DEVICES["r1"], name=name, hostname=f"tkg-{name}", model="TKG-P1", server_tag="TKG-P1 WebAdmin/1.0",
                  forced_change=False, factory_password=label, ssh=False, ssh_account=None, snmp="off",
                  accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, None), _AVAHI))
    for name, label in LABELS.items()
}
# Onboarding units, in the selftest beside DEVICES (their profiles name them): w1 ships with no credential at
# all, its first user creates the administrator through /api/setup (a CSRF cookie echoed in X-CSRFToken);
# s1 is SSH only (dropbear, no web server), its published default admin/admin runs passwd and nothing else
# until it is changed, and it takes updates by `fw_update` over SSH. Both conform; everything is in flash.
ONBOARDING_UNITS: dict[str, ReferenceDevice] = {
    "w1": replace(DEVICES["n1"], name="w1", hostname="tkg-w1", model="TKG-W1", server_tag="TKG-W1 Hub",
                  credential_store="flash", forced_change=False, ssh=False, ssh_account=None, first_run_setup=True,
                  factory_username="", factory_password="",
                  accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, None), _AVAHI)),
    "s1": replace(DEVICES["r1"], name="s1", hostname="tkg-s1", model="TKG-S1", server_tag="TKG-S1 sshd",
                  web=False, snmp="off", ssh_update=True, etc_in_flash=True,
                  accounts=(_LOCKED_ROOT, Account("admin", ADMIN_UID, "admin", FIRST_LOGIN_SHELL), _AVAHI)),
}
# Item 3's non-conforming reference unit, in the selftest (its profile names it): r1's web admin without SSH
# and SNMP, which answers the declared update "installed" and flashes nothing, so the version never changes.
# It conforms otherwise, so the selftest shows item 3 alone failing.
STALE_UPDATE_UNITS: dict[str, ReferenceDevice] = {
    "f1": replace(DEVICES["r1"], name="f1", hostname="tkg-f1", model="TKG-F1", server_tag="TKG-F1 WebAdmin/1.0",
                  ssh=False, ssh_account=None, snmp="off", applies_updates=False),
}
REFERENCE_DEVICES: dict[str, ReferenceDevice] = (  # every device `lab up` can start
    DEVICES | CLONES | SURFACE_UNITS | UNIQUE_UNITS | ONBOARDING_UNITS | STALE_UPDATE_UNITS
)


def devices_powered_in(namespaces: list[str]) -> list[str]:
    """The lab's default devices and every other reference device whose namespace a profile powers."""
    named = [name for name, device in REFERENCE_DEVICES.items() if device.host.namespace in namespaces]
    return list(dict.fromkeys([*DEVICES, *named]))
