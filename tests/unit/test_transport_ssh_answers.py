"""What the SSH client counts as an answer, against paramiko's SSH server on loopback: only a real
'failure' message is a refusal; silence, a dropped connection or a partial login never are."""

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator

import paramiko
import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import SshInterface
from harness.scope import LabScope, guard
from harness.transports.outcome import Unrecognised
from harness.transports.ssh import SshClient
from harness.verdict import Inconclusive

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
GOOD_PASSWORD = "s3cret-unit-7"
CLIENT_TIMEOUT_S = 1.0


class _Unit(paramiko.ServerInterface):
    """A password-only SSH server; `answer` decides each try (it may also hang or hang up)."""

    def __init__(self, answer: Callable[[paramiko.Transport, int, str], int], transport: paramiko.Transport) -> None:
        self.answer, self.transport, self.tries = answer, transport, 0

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        self.tries += 1
        return self.answer(self.transport, self.tries, password)


Answer = Callable[[paramiko.Transport, int, str], int]


@pytest.fixture(scope="module")
def host_key() -> paramiko.PKey:
    return paramiko.ECDSAKey.generate()


@pytest.fixture
def unit(host_key: paramiko.PKey) -> Iterator[Callable[[Answer], SshClient]]:
    """Starts an SSH server on 127.0.0.1 answering with `answer`; gives a client for it."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def serve(connection: socket.socket, answer: Answer) -> None:
        transport = paramiko.Transport(connection)
        transport.add_server_key(host_key)
        with contextlib.suppress(paramiko.SSHException, OSError, EOFError):
            transport.start_server(server=_Unit(answer, transport))
            while transport.is_active() and not stop.wait(0.05):
                pass
        transport.close()

    def start(answer: Answer) -> SshClient:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)

        def loop() -> None:
            with listener:
                while not stop.is_set():
                    try:
                        connection, _ = listener.accept()
                    except TimeoutError:
                        continue
                    thread = threading.Thread(target=serve, args=(connection, answer))
                    thread.start()
                    threads.append(thread)

        thread = threading.Thread(target=loop)
        thread.start()
        threads.append(thread)
        port = int(listener.getsockname()[1])
        transcript = Transcript("ssh-answers", Redactor({}))
        return SshClient("127.0.0.1", SshInterface(kind="ssh", port=port), LOOPBACK, transcript, CLIENT_TIMEOUT_S)

    with guard(LOOPBACK):
        yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=5)


def _checks_password(transport: paramiko.Transport, tries: int, password: str) -> int:
    return paramiko.AUTH_SUCCESSFUL if password == GOOD_PASSWORD else paramiko.AUTH_FAILED


def _never_answers(transport: paramiko.Transport, tries: int, password: str) -> int:
    threading.Event().wait(3 * CLIENT_TIMEOUT_S)
    return paramiko.AUTH_FAILED


def _hangs_up_on_try(last: int) -> Answer:
    def answer(transport: paramiko.Transport, tries: int, password: str) -> int:
        if tries >= last:
            transport.sock.shutdown(socket.SHUT_RDWR)
        return paramiko.AUTH_FAILED
    return answer


def _wants_a_key_too(transport: paramiko.Transport, tries: int, password: str) -> int:
    return paramiko.AUTH_PARTIALLY_SUCCESSFUL


def test_failure_messages_are_refusals_and_success_is_a_login(unit) -> None:
    results = unit(_checks_password).logins("admin", ["admin", "1234", GOOD_PASSWORD, "never-tried"])
    assert [r.accepted for r in results] == [False, False, True]


def test_a_password_never_answered_is_no_answer_not_a_refusal(unit) -> None:
    with pytest.raises(Unrecognised, match="without an answer"):
        unit(_never_answers).login("admin", "admin")


def test_a_connection_dropped_mid_batch_keeps_only_the_answered_tries(unit) -> None:
    results = unit(_hangs_up_on_try(3)).logins("admin", ["a", "b", "c", "d", "e"])
    assert [r.accepted for r in results] == [False, False]


def test_a_connection_dropped_before_any_answer_raises(unit) -> None:
    with pytest.raises(Inconclusive):
        unit(_hangs_up_on_try(1)).logins("admin", ["a", "b"])


def test_a_partial_login_is_neither_accepted_nor_refused(unit) -> None:
    with pytest.raises(Unrecognised, match="partial login"):
        unit(_wants_a_key_too).login("admin", "admin")
