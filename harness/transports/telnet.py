"""A small telnet client on sockets (telnetlib is gone in Python 3.13): option refusal, login, shell proof."""

import re
import socket

from harness.evidence import Transcript
from harness.profile import ShellPasswordChange, TelnetInterface
from harness.scope import LabScope
from harness.transports.conversation import Conversation
from harness.transports.outcome import LoginResult, Unrecognised, open_tcp
from harness.transports.passwd import ShellAnswer, answer_passwd, password_command, succeeded

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
LOGIN_PROMPT = re.compile(rb"(login|user ?name|user)\s*:\s*$", re.IGNORECASE)
PASSWORD_PROMPT = re.compile(rb"password\s*:\s*$", re.IGNORECASE)
# shadow's login answers the last failure it allows with "Maximum number of tries exceeded (N)" and hangs up.
REFUSED = re.compile(rb"(incorrect|invalid|failed|denied|wrong|tries exceeded)", re.IGNORECASE)
SHELL_PROMPT = re.compile(rb"[#$>%]\s*$")
# A shell computes this; an echo of what we typed cannot contain it.
SHELL_PROOF_COMMAND = b"echo tekigo$((6*7))\r\n"
SHELL_PROOF = b"tekigo42"
EXIT_STATUS_COMMAND = b"echo tekigo-exit-$?\r\n"
EXIT_STATUS = re.compile(rb"tekigo-exit-(\d+)")


class TelnetConnection(Conversation):
    """One telnet connection: refuses every option the server proposes and keeps the text it sends."""

    def __init__(self, sock: socket.socket, transcript: Transcript, timeout: float) -> None:
        super().__init__(sock, transcript, timeout)
        self.sock = sock

    def plain(self, chunk: bytes) -> bytes:
        return self._strip_options(chunk)

    def _strip_options(self, chunk: bytes) -> bytes:
        """Answer DO with WONT and WILL with DONT; drop subnegotiations; return the plain text."""
        text = bytearray()
        replies = bytearray()
        i = 0
        while i < len(chunk):
            byte = chunk[i]
            if byte != IAC or i + 1 >= len(chunk):
                text.append(byte)
                i += 1
                continue
            command = chunk[i + 1]
            if command in (DO, DONT, WILL, WONT) and i + 2 < len(chunk):
                option = chunk[i + 2]
                if command == DO:
                    replies += bytes((IAC, WONT, option))
                elif command == WILL:
                    replies += bytes((IAC, DONT, option))
                i += 3
            elif command == SB:
                end = chunk.find(bytes((IAC, SE)), i + 2)
                i = len(chunk) if end < 0 else end + 2
            elif command == IAC:
                text.append(IAC)
                i += 2
            else:
                i += 2
        if replies and len(replies) < 4096:
            try:
                self.sock.sendall(bytes(replies))
            except OSError:  # a unit flooding options without reading our refusals: the text still counts
                self.open = False
        return bytes(text)


class TelnetClient:
    """Talks to one telnet interface of the unit."""

    def __init__(
        self, address: str, interface: TelnetInterface, scope: LabScope, transcript: Transcript, timeout: float
    ) -> None:
        self.address = address
        self.interface = interface
        self.scope = scope
        self.transcript = transcript
        self.timeout = timeout

    def _connect(self) -> TelnetConnection:
        sock = open_tcp("telnet", self.address, self.interface.port, self.scope, self.transcript, self.timeout)
        return TelnetConnection(sock, self.transcript, self.timeout)

    def shell_without_login(self) -> LoginResult:
        """Connect and see whether a shell answers before any login is asked for."""
        connection = self._connect()
        try:
            index, _ = connection.read_until(LOGIN_PROMPT, PASSWORD_PROMPT, SHELL_PROMPT, within=self.timeout)
            if index in (0, 1):
                return LoginResult(False, "the unit asks for a login first")
            if index == 2 and self._shell_answers(connection):
                return LoginResult(True, "a shell answered without any login")
            raise Unrecognised("the telnet service showed neither a login prompt nor a shell")
        finally:
            connection.sock.close()

    def logins(self, pairs: list[tuple[str, str]], wrong_password_delay: float = 5.0) -> list[LoginResult]:
        """Try pairs in turn on one connection until one is accepted or the unit hangs up."""
        connection = self._connect()
        results: list[LoginResult] = []
        try:
            index, _ = connection.read_until(LOGIN_PROMPT, within=self.timeout)
            if index < 0:
                raise Unrecognised("no login prompt")
            for username, password in pairs:
                result = self._attempt(connection, username, password, self.timeout + wrong_password_delay)
                if result is None:
                    break
                results.append(result)
                if result.accepted or not connection.open:
                    break
        finally:
            connection.sock.close()
        if not results:
            raise Unrecognised("the unit closed the connection or fell silent before answering a login")
        return results

    def login(self, username: str, password: str) -> LoginResult:
        return self.logins([(username, password)])[0]

    def change_password(self, username: str, current: str, new: str, change: ShellPasswordChange) -> ShellAnswer:
        """Log in with `current`, set `new` by the declared passwd dialogue or command, read its exit status."""
        connection = self._connect()
        try:
            index, _ = connection.read_until(LOGIN_PROMPT, within=self.timeout)
            result = self._attempt(connection, username, current, self.timeout) if index == 0 else None
            if result is None or not result.accepted:
                raise Unrecognised(f"telnet login as {username!r} failed; cannot change the password "
                                   f"({result.detail if result else 'no login prompt'})")
            if change.dialogue:
                connection.send(b"passwd\r\n")
                text = answer_passwd(connection, current, new, SHELL_PROMPT, change.command_timeout_s, b"\r\n")
            else:
                command = password_command(change, username, current, new)
                connection.send(command.encode() + b"\r\n", shown=change.command)
                _, text = connection.read_until(SHELL_PROMPT, within=change.command_timeout_s)
            connection.send(EXIT_STATUS_COMMAND)
            _, status_text = connection.read_until(EXIT_STATUS, within=self.timeout)
        finally:
            connection.sock.close()
        found = EXIT_STATUS.search(status_text)
        status = int(found.group(1)) if found else None
        output = text.decode("utf-8", "replace")
        return ShellAnswer(status, output, status is not None and succeeded(change, status, output))

    def _attempt(
        self, connection: TelnetConnection, username: str, password: str, within: float
    ) -> LoginResult | None:
        """One login at a login prompt; leaves the connection at the next prompt. None: connection gone."""
        connection.send(username.encode() + b"\r\n")
        index, _ = connection.read_until(PASSWORD_PROMPT, SHELL_PROMPT, LOGIN_PROMPT, within=self.timeout)
        if index == 1 and self._shell_answers(connection):
            return LoginResult(True, f"{username!r} got a shell without a password")
        if index != 0:
            return None
        connection.send(password.encode() + b"\r\n", shown=f"password {password!r}")
        index, text = connection.read_until(LOGIN_PROMPT, SHELL_PROMPT, within=within)
        if index == 0 or REFUSED.search(text):
            if index != 0:
                index, _ = connection.read_until(LOGIN_PROMPT, within=within)
            result = LoginResult(False, f"{username!r} refused")
            return result if index == 0 else _last(result, connection)
        if index == 1 and self._shell_answers(connection):
            return LoginResult(True, f"{username!r} logged in to a shell")
        if index < 0 and not text:
            return None
        raise Unrecognised(f"unclear answer after the password for {username!r}: {text[-80:]!r}")

    def _shell_answers(self, connection: TelnetConnection) -> bool:
        connection.send(SHELL_PROOF_COMMAND)
        _, text = connection.read_until(re.compile(re.escape(SHELL_PROOF)), within=self.timeout)
        return SHELL_PROOF in text


def _last(result: LoginResult, connection: TelnetConnection) -> LoginResult:
    """A refusal after which the unit hung up: still a refusal; the caller reconnects for the next pair."""
    connection.open = False
    return result
