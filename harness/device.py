"""The unit under test as the suite operates it: its interfaces, its credential state, its firmware."""

import socket
import time
from dataclasses import dataclass, field

from harness.evidence import Transcript
from harness.profile import DeviceProfile, HttpInterface, SshInterface, TelnetInterface
from harness.scope import LabScope
from harness.transports.http import Answer, HttpClient, HttpSession
from harness.transports.outcome import LoginResult, Unrecognised
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient
from harness.verdict import Inconclusive


@dataclass
class UnitState:
    """What the run has done to the unit so far (it starts in factory state)."""

    password: str
    password_changed: bool = False
    updated_to: str | None = None
    settings_written: dict[str, str] = field(default_factory=dict)


class Device:
    """One unit: builds clients for its declared interfaces and remembers its current credential."""

    def __init__(self, profile: DeviceProfile, scope: LabScope, transcript: Transcript) -> None:
        self.profile = profile
        self.scope = scope
        self.transcript = transcript
        self.address = str(profile.unit.address)
        self.state = UnitState(password=profile.factory_default.password.get_secret_value())

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
        answer = self.web.request("GET", probe.path, session=session or self.web_session())
        if answer.status != 200:
            raise Unrecognised(f"version probe {probe.path} answered {answer.status}")
        reply = answer.json()
        version = reply.get(probe.json_field) if isinstance(reply, dict) else None
        if not isinstance(version, str):
            raise Unrecognised(f"version probe {probe.path} has no string field {probe.json_field!r}")
        return version

    def install_update(self, session: HttpSession | None = None) -> Answer:
        """Send the declared update image by the declared method."""
        update = self.profile.firmware.update
        if not update.image.is_file():
            raise Inconclusive(f"update image {update.image} is missing")
        answer = self.web.upload(update.path, update.field, update.image, session or self.web_session())
        if 200 <= answer.status < 300:
            self.state.updated_to = update.expected_version
        return answer

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
