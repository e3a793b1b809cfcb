"""SSH client (paramiko): which authentications the unit accepts, and commands after login."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import paramiko

from harness.evidence import Transcript
from harness.profile import ShellPasswordChange, SshInterface
from harness.scope import LabScope
from harness.transports.conversation import Conversation
from harness.transports.outcome import LoginResult, Unreachable, Unrecognised, open_tcp
from harness.transports.passwd import ShellAnswer, answer_passwd, password_command, succeeded

MAX_OUTPUT = 64 * 1024
BANNER_RETRY_BACKOFF_S = (0.3, 0.8, 2.0)
# paramiko: "Authentication timeout." and "Authentication failed: transport shut down or saw EOF"
_NO_ANSWER_WORDING = ("timeout", "shut down", "eof")
# A disconnect in answer to a try that says the tries are used up is a refusal of that try: RFC 4253 §11.1
# names it SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE (14); OpenSSH sends code 2 with "Too many
# authentication failures" (MaxAuthTries, 6 by default: every 6th password on one connection).
NO_MORE_AUTH_METHODS = 14
_TRIES_USED_UP_WORDING = "authentication failures"


class _Transport(paramiko.Transport):
    """paramiko's transport, keeping the server's disconnect message (paramiko only logs it)."""

    disconnect: tuple[int, str] | None = None

    def _parse_disconnect(self, m: paramiko.Message) -> None:
        self.disconnect = (m.get_int(), m.get_text()[:200])
        m.rewind()
        super()._parse_disconnect(m)  # type: ignore[misc]


class SshClient:
    """Talks to one SSH interface of the unit; each verb opens its own connection."""

    def __init__(
        self, address: str, interface: SshInterface, scope: LabScope, transcript: Transcript, timeout: float
    ) -> None:
        self.address = address
        self.interface = interface
        self.scope = scope
        self.transcript = transcript
        self.timeout = timeout

    @contextmanager
    def _transport(self) -> Iterator[paramiko.Transport]:
        transport = self._handshake()
        try:
            yield transport
        except (paramiko.SSHException, OSError, EOFError) as error:
            self.transcript.note(f"ssh error: {error!r}")
            raise Unreachable(f"ssh {self.address}:{self.interface.port}: {error!r}") from error
        finally:
            transport.close()

    def _handshake(self) -> paramiko.Transport:
        """Connect and exchange keys, retrying (bounded) a connection the server drops before its banner.

        dropbear drops new connections from an address that has several unauthenticated ones open
        (a compile-time per-address limit): that is throttling, not an answer.
        """
        for attempt, backoff in enumerate((*BANNER_RETRY_BACKOFF_S, None)):
            sock = open_tcp("ssh", self.address, self.interface.port, self.scope, self.transcript, self.timeout)
            transport = _Transport(sock)
            transport.banner_timeout = self.timeout
            transport.auth_timeout = self.timeout
            try:
                transport.start_client(timeout=self.timeout)
            except (paramiko.SSHException, OSError, EOFError) as error:
                transport.close()
                dropped = "banner" in str(error).lower()
                self.transcript.note(f"ssh handshake failed (try {attempt + 1}): {error!r}")
                if backoff is None or not dropped:
                    raise Unreachable(f"ssh {self.address}:{self.interface.port}: {error!r}") from error
                time.sleep(backoff)
                continue
            self.transcript.received(f"server version {transport.remote_version}")
            return transport
        raise AssertionError("unreachable: the loop returns or raises")

    def login(self, username: str, password: str) -> LoginResult:
        """Password authentication with one credential."""
        return self.logins(username, [password])[0]

    def logins(self, username: str, passwords: list[str]) -> list[LoginResult]:
        """Try passwords in turn on one connection, stopping at the first accepted one.

        When the connection ends without an answer after some tries, the answered ones are returned
        (the rest are the caller's to try again); with no answer at all it raises.
        """
        results: list[LoginResult] = []
        with self._transport() as transport:
            for password in passwords:
                try:
                    results.append(self._password(transport, username, password))
                except (Unrecognised, paramiko.SSHException, OSError, EOFError) as error:
                    if not results:
                        raise
                    self.transcript.note(f"connection ended after {len(results)} answers: {error!r}")
                    break
                if results[-1].accepted or not transport.is_active():
                    break
        return results

    def _password(self, transport: paramiko.Transport, username: str, password: str) -> LoginResult:
        self.transcript.sent(f"auth password user={username!r} password={password!r}")
        try:
            transport.auth_password(username, password, fallback=False)
        except paramiko.BadAuthenticationType as error:
            self.transcript.received(f"password auth not offered; allowed: {error.allowed_types}")
            return LoginResult(False, f"password authentication not offered ({error.allowed_types})")
        except paramiko.AuthenticationException as error:
            self.transcript.received(f"refused ({_require_refusal(error, transport)})")
            return LoginResult(False, "password refused")
        except paramiko.SSHException as error:
            raise Unrecognised(f"ssh authentication ended without an answer: {error}") from error
        _require_full_login(transport)
        self.transcript.received("accepted")
        return LoginResult(True, "password accepted")

    def none_auth(self, username: str) -> LoginResult:
        """The 'none' method: a unit that accepts it lets anyone in."""
        with self._transport() as transport:
            self.transcript.sent(f"auth none user={username!r}")
            try:
                transport.auth_none(username)
            except paramiko.BadAuthenticationType as error:
                self.transcript.received(f"refused; allowed: {error.allowed_types}")
                return LoginResult(False, f"'none' refused; server offers {error.allowed_types}")
            except paramiko.AuthenticationException as error:
                self.transcript.received(f"refused ({_require_refusal(error, transport)})")
                return LoginResult(False, "'none' refused")
            _require_full_login(transport)
            self.transcript.received("accepted")
            return LoginResult(True, "'none' authentication accepted")

    def run(self, username: str, password: str, command: str) -> str:
        """Log in and run `command`; return its output (bounded)."""
        with self._transport() as transport:
            if not self._password(transport, username, password).accepted:
                raise Unrecognised(f"ssh login as {username} refused; cannot run {command!r}")
            channel = transport.open_session(timeout=self.timeout)
            channel.settimeout(self.timeout)
            self.transcript.sent(f"exec {command}")
            channel.exec_command(command)
            channel.shutdown_write()  # no input: a command (or a forced passwd) that reads stdin ends at once
            output = b""
            while len(output) < MAX_OUTPUT:
                chunk = channel.recv(4096)
                if not chunk:
                    break
                output += chunk
            text = output[:MAX_OUTPUT].decode("utf-8", "replace")
            self.transcript.received(text)
            return text

    def change_password(self, username: str, current: str, new: str, change: ShellPasswordChange) -> ShellAnswer:
        """Log in with `current` and set `new` by the declared passwd dialogue or command."""
        with self.logged_in(username, current) as transport:
            channel = transport.open_session(timeout=self.timeout)
            channel.settimeout(self.timeout)
            channel.set_combine_stderr(True)  # passwd says "updated successfully" on stderr
            conversation = Conversation(channel, self.transcript, self.timeout)
            if change.dialogue:
                channel.get_pty()
                self.transcript.sent("exec passwd (with a terminal)")
                channel.exec_command("passwd")
                text = answer_passwd(conversation, current, new, NEVER, change.command_timeout_s)
            else:
                self.transcript.sent(f"exec {change.command}")
                channel.exec_command(password_command(change, username, current, new))
                _, text = conversation.read_until(NEVER, within=change.command_timeout_s)
            deadline = time.monotonic() + self.timeout
            while not channel.exit_status_ready() and time.monotonic() < deadline:
                time.sleep(0.05)
            status = channel.recv_exit_status() if channel.exit_status_ready() else None
            output = text.decode("utf-8", "replace")
            self.transcript.received(f"exit status {status}")
            return ShellAnswer(status, output, status is not None and succeeded(change, status, output))

    @contextmanager
    def logged_in(self, username: str, password: str) -> Iterator[paramiko.Transport]:
        """An authenticated connection for several exchanges (a file copy, then a command)."""
        with self._transport() as transport:
            if not self._password(transport, username, password).accepted:
                raise Unrecognised(f"ssh login as {username} refused")
            yield transport


def _require_refusal(error: paramiko.AuthenticationException, transport: paramiko.Transport) -> str:
    """The server's refusal as it said it: a 'failure' answer, or a hang-up saying the tries are used up.

    Raise otherwise: paramiko reports a timeout or a dropped connection with the same exception type as a
    refusal (only its wording differs), and counting those as refused would be a false PASS.
    """
    disconnect = getattr(transport, "disconnect", None)
    if disconnect and (disconnect[0] == NO_MORE_AUTH_METHODS or _TRIES_USED_UP_WORDING in disconnect[1].lower()):
        return f"disconnect code {disconnect[0]}: {disconnect[1]!r}"
    if any(sign in str(error).lower() for sign in _NO_ANSWER_WORDING):
        said = f" (the server disconnected: code {disconnect[0]}, {disconnect[1]!r})" if disconnect else ""
        raise Unrecognised(f"ssh authentication ended without an answer: {error}{said}") from error
    return "failure"


def _require_full_login(transport: paramiko.Transport) -> None:
    """Raise when the server took the credential only as a first step and asks for another method."""
    if not transport.is_authenticated():
        raise Unrecognised("ssh server took the credential as a partial login and asks for another method")


NEVER = re.compile(rb"(?!)")  # a pattern that never matches: read until the command's channel closes
