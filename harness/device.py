"""The unit under test as the suite operates it: its interfaces, its credential state, its firmware."""

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.evidence import Transcript
from harness.first_run_setup import SetupRun, run_setup
from harness.profile import (
    DeviceProfile,
    Firmware,
    FirstRunSetup,
    HttpInterface,
    HttpPasswordChange,
    LoginInterface,
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
from harness.transports.passwd import ShellAnswer
from harness.transports.snmp import SnmpClient
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient
from harness.transports.upnp import UpnpClient
from harness.update.settle import settle_time, settled_version
from harness.update.ssh_command import CommandAnswer, install_over_ssh
from harness.update.swupdate_upload import DEFAULT_PORT as SWUPDATE_PORT
from harness.update.swupdate_upload import upload_to_swupdate
from harness.update.version_text import version_in_json, version_in_text
from harness.verdict import Inconclusive, NotApplicable


@dataclass
class UnitState:
    """What the run has done to the unit so far (it starts in factory state)."""

    password: str | None  # None: no account yet (a first-run setup not run)
    password_changed: bool = False
    updated_to: str | None = None
    settings_written: dict[str, str] = field(default_factory=dict)

    def declared(self, profile: DeviceProfile) -> dict[str, Any]:
        """This state with the password named, never written: the declared credential it is, or "undeclared"."""
        names = _declared_passwords(profile)
        credential = next((name for name, value in names.items() if value == self.password),
                          UNDECLARED if self.password is not None else NO_ACCOUNT)
        return {"credential": credential, "password_changed": self.password_changed,
                "updated_to": self.updated_to, "settings_written": dict(self.settings_written)}

    @classmethod
    def restored(cls, declared: dict[str, Any], profile: DeviceProfile) -> "UnitState":
        """The state `declared` recorded, its password taken from the profile again."""
        names = _declared_passwords(profile)
        return cls(password=names.get(str(declared.get("credential"))),
                   password_changed=bool(declared.get("password_changed")),
                   updated_to=declared.get("updated_to"),
                   settings_written=dict(declared.get("settings_written") or {}))


def _declared_passwords(profile: DeviceProfile) -> dict[str, str]:
    names = {}
    if profile.new_password is not None:
        names["new_password"] = profile.new_password.get_secret_value()
    if profile.preset is not None:
        names["factory_default"] = profile.preset.password.get_secret_value()
    return names


NO_ACCOUNT = "none"  # no credential yet: a first-run setup not run, or a unit without any login
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
        preset = profile.preset
        self.state = UnitState(password=preset.password.get_secret_value() if preset else None)
        self.state_changed: Callable[[UnitState], None] | None = None  # told after every change of `state`
        self.first_contact = time.monotonic()  # the run's first look at the unit: a first-run setup was open since
        self.claimed_at: float | None = None

    @property
    def username(self) -> str:
        """The account the harness logs in with (the preset's, or the one a first-run setup creates)."""
        return self.profile.account or ""

    @property
    def factory_password(self) -> str:
        """The preset password; NOT_APPLICABLE for a unit that ships without one."""
        if self.profile.preset is None:
            raise NotApplicable("the unit ships without a preset credential "
                                f"({self.profile.onboarding.model if self.profile.onboarding else 'no login'})")
        return self.profile.preset.password.get_secret_value()

    @property
    def new_password(self) -> str:
        if self.profile.new_password is None and self.profile.login_interfaces():
            raise Inconclusive("the profile declares no new_password: the harness has none to set")
        if self.profile.new_password is None:
            raise NotApplicable("the profile declares no login, so no new password")
        return self.profile.new_password.get_secret_value()

    @property
    def password(self) -> str:
        """The unit's current password; INCONCLUSIVE while it has no account (setup not run)."""
        if self.state.password is None:
            raise Inconclusive("the unit has no account yet: its first-run setup has not been run")
        return self.state.password

    @property
    def web(self) -> HttpClient:
        """The web admin the password is changed on (or the first that asks for a login, or the first)."""
        declared = self.profile.http_interfaces()
        if not declared:
            raise NotApplicable("the profile declares no http interface")
        change = self.profile.password_change
        port = change.port if isinstance(change, HttpPasswordChange) else None
        chosen = next((i for i in declared if port is not None and i.port == port), None)
        return self.http(chosen or next((i for i in declared if i.login is not None), declared[0]))

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

    def login(self, password: str, interface: LoginInterface) -> LoginResult:
        """Log in with the unit's account and `password` on any declared interface."""
        if isinstance(interface, HttpInterface):
            return self.http(interface).login(self.username, password)[0]
        if isinstance(interface, SshInterface):
            return self.ssh(interface).login(interface.username or self.username, password)
        return self.telnet(interface).login(self.username, password)

    def web_session(self) -> HttpSession:
        """A logged-in web session with the current password; INCONCLUSIVE if the unit refuses it."""
        web = self.web
        result, session = web.login(self.username, self.password if web.interface.login else "")
        if not result.accepted or session is None:
            raise Inconclusive(f"the unit refused its current credential on the web admin ({result.detail})")
        return session

    def change_password(self, new: str, session: HttpSession | None = None) -> Answer | ShellAnswer:
        """Change the password by the declared request or shell; the unit's state follows only when the unit
        took it (a 2xx answer; in a shell, success and then a login with the new password)."""
        change = self.profile.password_change
        if change is None and self.profile.login_interfaces():
            raise Inconclusive("the profile declares no password change: the unit has none over the network")
        if change is None:
            raise NotApplicable("the profile declares no password change (no login on the unit)")
        if isinstance(change, HttpPasswordChange):
            values = {"username": self.username, "current_password": self.password, "new_password": new}
            rendered, answer = self.web.send(change.request, values, session or self.web_session())
            accepted = rendered.accepted(answer.status)
        else:
            interface = self.shell_interface(change.over, change.port)
            client = self.ssh(interface) if isinstance(interface, SshInterface) else self.telnet(interface)
            username = (interface.username if isinstance(interface, SshInterface) else None) or self.username
            answer = client.change_password(username, self.password, new, change)
            accepted = answer.accepted and self.login(new, interface).accepted
        if accepted:
            self.state.password, self.state.password_changed = new, True
            self._tell_state_changed()
        return answer

    def shell_interface(self, kind: str, port: int | None) -> SshInterface | TelnetInterface:
        """The declared ssh or telnet interface of `kind` on `port` (the first when no port is given)."""
        declared = [i for i in self.profile.interfaces if isinstance(i, SshInterface | TelnetInterface)
                    and i.kind == kind and i.auth is None and (port is None or i.port == port)]
        if not declared:
            raise Inconclusive(f"the profile declares no {kind} interface with a login for this")
        return declared[0]

    def setup_client(self) -> HttpClient:
        """The web admin the first-run setup is on."""
        setup = self.profile.onboarding
        if not isinstance(setup, FirstRunSetup):
            raise NotApplicable("the unit has no first-run setup")
        declared = self.profile.http_interfaces()
        return self.http(next((i for i in declared if i.port == setup.interface), declared[0]))

    def claim_setup(self, password: str) -> SetupRun:
        """Run the first-run setup, creating the account with `password`; the state follows only when it took."""
        setup = self.profile.onboarding
        if not isinstance(setup, FirstRunSetup):
            raise NotApplicable("the unit has no first-run setup")
        run = run_setup(self.setup_client(), setup, self.username, password)
        if run.accepted:
            self.claimed_at = self.claimed_at or time.monotonic()
            self.state.password, self.state.password_changed = password, True
            self._tell_state_changed()
        return run

    def ensure_password_changed(self) -> None:
        """First use as an operator does it: set the new password (or run the first-run setup) unless the run
        already did."""
        if self.state.password_changed:
            return
        if isinstance(self.profile.onboarding, FirstRunSetup):
            run = self.claim_setup(self.new_password)
            if not run.accepted:
                raise Inconclusive(f"the declared first-run setup was refused ({run.summary})")
            return
        answer = self.change_password(self.new_password)  # says why when none is declared
        if not self.state.password_changed:
            raise Inconclusive(f"the declared password change was refused ({answer.summary})")

    @property
    def firmware(self) -> Firmware:
        """The declared version probe and update; INCONCLUSIVE when the profile has none."""
        if self.profile.firmware is None:
            raise Inconclusive("the profile declares no firmware section (version probe and update)")
        return self.profile.firmware

    def read_version(self, session: HttpSession | None = None) -> str:
        """The firmware version by the declared probe."""
        probe = self.firmware.version
        if probe.interface == "ssh" and probe.command is not None:
            declared = [i for i in self.profile.interfaces if isinstance(i, SshInterface)]
            if not declared:
                raise Inconclusive("the version probe runs over ssh, but the profile declares no ssh interface")
            output = self.ssh(declared[0]).run(declared[0].username or self.username, self.password,
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
        update = self.firmware.update
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
        update = self.firmware.update
        if update.method == "ssh_command":
            interface = self.update_ssh_interface()
            return install_over_ssh(self.ssh(interface), interface.username or self.username, self.password,
                                    image, name, update)
        if update.method == "swupdate":
            return upload_to_swupdate(self.address, update.port or SWUPDATE_PORT, update.path, name, image,
                                      self.scope, self.transcript, self.profile.unit.connect_timeout_s,
                                      update.settle_s)
        return self.web.request("POST", update.path, session=session or self.web_session(),
                                files={update.field: (name, image)})

    def update_ssh_interface(self) -> SshInterface:
        """The declared ssh interface an ssh_command update runs over: the one on its `port`, or the first."""
        port = self.firmware.update.port
        declared = [i for i in self.profile.interfaces
                    if isinstance(i, SshInterface) and (port is None or i.port == port)]
        if not declared:
            raise Inconclusive("the update runs over ssh, but the profile declares no such ssh interface")
        return declared[0]

    def _tell_state_changed(self) -> None:
        if self.state_changed is not None:
            self.state_changed(self.state)

    def reachable(self) -> bool:
        """The unit's first interface answers as its kind does: HTTP with `HTTP/`, SSH with its `SSH-` banner,
        telnet with any byte (a TCP accept alone can come from a booting unit's stack)."""
        interface = next(iter([*self.profile.http_interfaces(), *self.profile.interfaces_of("ssh"),
                               *self.profile.interfaces_of("telnet")]), None)
        if interface is None:
            raise Inconclusive("no http, ssh or telnet interface declared to see the unit answer")
        self.scope.check(self.address)
        try:
            with socket.create_connection((self.address, interface.port), timeout=1.0) as sock:
                sock.settimeout(2.0)
                if isinstance(interface, HttpInterface):
                    sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
                    return sock.recv(16).startswith(b"HTTP/")
                greeting = sock.recv(16)
                return greeting.startswith(b"SSH-") if isinstance(interface, SshInterface) else bool(greeting)
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
