"""How the telnet client classifies a real telnetd's answers: BusyBox telnetd on loopback running a shell
(no login at all), util-linux login (a refused unknown user) or cat (neither a prompt nor a shell)."""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import TelnetInterface
from harness.scope import LabScope
from harness.transports.outcome import Unrecognised
from harness.transports.telnet import TelnetClient
from tests.unit.loopback_daemon import free_tcp_port, serving


@contextmanager
def telnetd(program: str) -> Iterator[TelnetClient]:
    """busybox telnetd on 127.0.0.1 starting `program` for each connection, and a client for it."""
    port = free_tcp_port()
    with serving(["busybox", "telnetd", "-F", "-p", str(port), "-b", "127.0.0.1", "-l", program], port):
        yield TelnetClient("127.0.0.1", TelnetInterface(kind="telnet", port=port), LabScope(
            [ipaddress.ip_network("127.0.0.0/8")]), Transcript("telnet", Redactor({})), 1.0)


def test_a_shell_without_login_is_accepted_by_its_computed_answer() -> None:
    with telnetd("/bin/sh") as client:
        shell = client.shell_without_login()
    assert shell.accepted and shell.detail == "a shell answered without any login"


def test_login_refusing_an_unknown_user_is_a_refusal() -> None:
    with telnetd("/bin/login") as client:
        assert client.shell_without_login().detail == "the unit asks for a login first"
        result = client.login("tekigo-nobody", "wrong")  # util-linux login: "Login incorrect" after ~3 s
    assert not result.accepted and result.detail == "'tekigo-nobody' refused"


def test_a_service_that_only_echoes_is_unclassified() -> None:
    """cat echoes what is typed: no prompt, and the shell proof's computed answer never comes."""
    with telnetd("/bin/cat") as client:
        with pytest.raises(Unrecognised, match="neither a login prompt nor a shell"):
            client.shell_without_login()
        with pytest.raises(Unrecognised, match="no login prompt"):
            client.login("tekigo-nobody", "wrong")
