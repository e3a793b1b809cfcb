"""The unit under test as the suite operates it: its interfaces, its credential state, its firmware."""

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.evidence import Transcript
from harness.profile import (
    DeviceProfile,
    HttpInterface,
    MqttInterface,
    SnmpInterface,
    SshInterface,
    TelnetInterface,
    UpnpInterface,
)
from harness.scope import LabScope
from harness.transports.http import Answer, HttpClient, HttpSession
from harness.transports.mqtt import MqttClient
from harness.transports.outcome import LoginResult, Unrecognised
from harness.transports.snmp import SnmpClient
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient
from harness.transports.upnp import UpnpClient
from harness.update.settle import settle_time, settled_version
from harness.update.ssh_command import CommandAnswer, install_over_ssh
from harness.update.swupdate_upload import DEFAULT_PORT as SWUPDATE_PORT
from harness.update.swupdate_upload import upload_to_swupdate
from harness.update.version_text import version_in_json, version_in_text
from harness.verdict import Inconclusive


@dataclass
class UnitState:
    """What the run has done to the unit so far (it starts in factory state)."""

    password: str
    password_changed: bool = False
    updated_to: str | None = None
    settings_written: dict[str, str] = field(default_factory=dict)

    def declared(self, profile: DeviceProfile) -> dict[str, Any]:
        """This state with the password named, never written: the declared credential it is, or "undeclared"."""
        names = _declared_passwords(profile)
        credential = next((name for name, value in names.items() if value == self.password), UNDECLARED)
        return {"credential": credential, "password_changed": self.password_changed,
                "updated_to": self.updated_to, "settings_written": dict(self.settings_written)}

    @classmethod
    def restored(cls, declared: dict[str, Any], profile: DeviceProfile) -> "UnitState":
        """The state `declared` recorded, its password taken from the profile again."""
        names = _declared_passwords(profile)
        return cls(password=names.get(str(declared.get("credential")), ""),
                   password_changed=bool(declared.get("password_changed")),
                   updated_to=declared.get("updated_to"),
                   settings_written=dict(declared.get("settings_written") or {}))


def _declared_passwords(profile: DeviceProfile) -> dict[str, str]:
    return {"new_password": profile.new_password.get_secret_value(),
            "factory_default": profile.factory_default.password.get_secret_value()}


UNDECLARED = "undeclared"  # a password the profile does not declare (a weak one the unit took): not restorable
# Methods whose unit may install after it answered: the declared version is awaited for settle_s.
SETTLING_METHODS = ("swupdate", "ssh_command")
SNMP_TIMEOUT_S = 2.0  # per try of the SNMP version probe (one retry): a silent agent costs 4 s at most


class Device:
    """One unit: builds clients for its declared interfaces and remembers its current credential."""

    def __init__(self, profile: DeviceProfile, scope: LabScope, transcript: Transcript) -> None:
        self.profile = profile
        self.scope = scope
        self.transcript = transcript
        self.address = str(profile.unit.address)
        self.state = UnitState(password=profile.factory_default.password.get_secret_value())
        self.state_changed: Callable[[UnitState], None] | None = None  # told after every change of `state`

    @property
    def username(self) -> str:
        return self.profile.factory_default.username

    @property
    def factory_password(self) -> str:
        return self.profile.factory_default.password.get_secret_value()

    @property
    def new_password(self) -> str:
        return self.profile.new_password.get_secret_value()

    @property
    def web(self) -> HttpClient:
        """The first declared web admin: where the password is changed and the firmware updated."""
        return self.http(self.profile.http_interfaces()[0])

    def http(self, interface: HttpInterface) -> HttpClient:
        return HttpClient(self.address, interface, self.scope, self.transcript, self.profile.unit.connect_timeout_s)

    def ssh(self, interface: SshInterface) -> SshClient:
        return SshClient(self.address, interface, self.scope, self.transcript, self.profile.unit.connect_timeout_s)

    def telnet(self, interface: TelnetInterface) -> TelnetClient:
        return TelnetClient(
            self.address, interface, self.scope, self.transcript, self.profile.unit.connect_timeout_s
        )

    def mqtt(self, interface: MqttInterface) -> MqttClient:
        return MqttClient(self.address, interface, self.scope, self.transcript, self.profile.unit.connect_timeout_s)

    def upnp(self, interface: UpnpInterface) -> UpnpClient:
        return UpnpClient(self.address, interface, self.scope, self.transcript, self.profile.unit.connect_timeout_s)

    def snmp(self, interface: SnmpInterface, timeout_s: float | None = None) -> SnmpClient:
        """`timeout_s` per try (at most the unit's connect timeout); the transport's own when not given."""
        if timeout_s is None:
            return SnmpClient(self.address, interface, self.scope, self.transcript)
        return SnmpClient(self.address, interface, self.scope, self.transcript,
                          timeout_s=min(self.profile.unit.connect_timeout_s, timeout_s))

    def login(self, password: str, interface: HttpInterface | SshInterface | TelnetInterface) -> LoginResult:
        """Log in with the unit's account and `password` on any declared interface."""
        if isinstance(interface, HttpInterface):
            return self.http(interface).login(self.username, password)[0]
        if isinstance(interface, SshInterface):
            return self.ssh(interface).login(interface.username or self.username, password)
        return self.telnet(interface).login(self.username, password)

    def web_session(self) -> HttpSession:
        """A logged-in web session with the current password; INCONCLUSIVE if the unit refuses it."""
        result, session = self.web.login(self.username, self.state.password)
        if not result.accepted or session is None:
            raise Inconclusive(f"the unit refused its current credential on the web admin ({result.detail})")
        return session

    def change_password(self, new: str, session: HttpSession | None = None) -> Answer:
        """Change the password by the declared request; the unit's state follows only on a 2xx."""
        change = self.profile.password_change
        session = session or self.web_session()
        values = {k: v.format(current=self.state.password, new=new) for k, v in change.fields.items()}
        if change.body == "json":
            answer = self.web.request("POST", change.path, session=session, json_body=values)
        else:
            answer = self.web.request("POST", change.path, session=session, data=values)
        if 200 <= answer.status < 300:
            self.state.password, self.state.password_changed = new, True
            self._tell_state_changed()
        return answer

    def ensure_password_changed(self) -> None:
        """First use as an operator does it: set the new password unless the run already did."""
        if self.state.password_changed:
            return
        answer = self.change_password(self.new_password)
        if not self.state.password_changed:
            raise Inconclusive(f"the declared password change was refused ({answer.status})")

    def read_version(self, session: HttpSession | None = None) -> str:
        """The firmware version by the declared probe."""
        probe = self.profile.firmware.version
        if probe.interface == "ssh" and probe.command is not None:
            declared = [i for i in self.profile.interfaces if isinstance(i, SshInterface)]
            if not declared:
                raise Inconclusive("the version probe runs over ssh, but the profile declares no ssh interface")
            output = self.ssh(declared[0]).run(declared[0].username or self.username, self.state.password,
                                               probe.command)
            return version_in_text(output, probe.regex, f"ssh {probe.command!r}")
        if probe.interface == "snmp" and probe.community is not None:
            return self._version_over_snmp(probe.oid, probe.community.get_secret_value(), probe.regex)
        path = probe.path or "/"
        answer = self.web.request("GET", path, session=session or self.web_session())
        if answer.status != 200:
            raise Unrecognised(f"version probe {path} answered {answer.status}")
        if probe.json_field is None:
            return version_in_text(answer.body, probe.regex, path)
        return version_in_json(answer.json(), probe.json_field, path)

    def _version_over_snmp(self, oid: str, community: str, regex: str | None) -> str:
        declared = [i for i in self.profile.interfaces if isinstance(i, SnmpInterface)]
        if not declared:
            raise Inconclusive("the version probe reads over snmp, but the profile declares no snmp interface")
        answer = self.snmp(declared[0], timeout_s=SNMP_TIMEOUT_S).read(oid, community)
        if answer.value is None:
            raise Inconclusive(f"the SNMP agent gave no version ({oid}): {answer.error}")
        return version_in_text(answer.value, regex, f"snmp {oid}")

    def install_update(self, session: HttpSession | None = None) -> Answer | CommandAnswer:
        """Send the declared update image by the declared method (for an agent that installs after
        answering, wait up to the declared settle time for the declared version)."""
        update = self.profile.firmware.update
        if not update.image.is_file():
            raise Inconclusive(f"update image {update.image} is missing")
        answer = self.send_image(update.image.read_bytes(), update.image.name, session)
        installed = answer.accepted
        if installed and update.method in SETTLING_METHODS:
            installed = settled_version(self.read_version, lambda v: v == update.expected_version,
                                        settle_time(answer, update.settle_s)) == update.expected_version
        if installed:
            self.state.updated_to = update.expected_version
            self._tell_state_changed()
        return answer

    def send_image(self, image: bytes, name: str, session: HttpSession | None = None) -> Answer | CommandAnswer:
        """Send `image` by the declared update method; the unit's state is the caller's to judge."""
        update = self.profile.firmware.update
        if update.method == "ssh_command":
            interface = self.update_ssh_interface()
            return install_over_ssh(self.ssh(interface), interface.username or self.username, self.state.password,
                                    image, name, update)
        if update.method == "swupdate":
            return upload_to_swupdate(self.address, update.port or SWUPDATE_PORT, update.path, name, image,
                                      self.scope, self.transcript, self.profile.unit.connect_timeout_s,
                                      update.settle_s)
        return self.web.request("POST", update.path, session=session or self.web_session(),
                                files={update.field: (name, image)})

    def update_ssh_interface(self) -> SshInterface:
        """The declared ssh interface an ssh_command update runs over: the one on its `port`, or the first."""
        port = self.profile.firmware.update.port
        declared = [i for i in self.profile.interfaces
                    if isinstance(i, SshInterface) and (port is None or i.port == port)]
        if not declared:
            raise Inconclusive("the update runs over ssh, but the profile declares no such ssh interface")
        return declared[0]

    def _tell_state_changed(self) -> None:
        if self.state_changed is not None:
            self.state_changed(self.state)

    def reachable(self) -> bool:
        """The web admin answers HTTP (a TCP accept alone can come from a booting unit's stack)."""
        interface = self.profile.http_interfaces()[0]
        self.scope.check(self.address)
        try:
            with socket.create_connection((self.address, interface.port), timeout=1.0) as sock:
                sock.settimeout(2.0)
                sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
                return sock.recv(16).startswith(b"HTTP/")
        except OSError:
            return False

    def wait_until_reachable(self, timeout_s: float) -> float:
        """Seconds until the unit answered; Inconclusive if it did not within `timeout_s`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if self.reachable():
                return time.monotonic() - started
            time.sleep(0.2)
        raise Inconclusive(f"the unit did not come back within its boot timeout of {timeout_s:.0f} s")
