"""How real SSH servers say no, and how the SSH client classifies it: Debian's OpenSSH 9.2 and dropbear 2022.83
on loopback (tests/unit/ssh_daemons.py). Every try is an unknown user, so every decided answer is a refusal."""

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import SshInterface
from harness.scope import LabScope
from harness.transports.outcome import Unrecognised
from harness.transports.ssh import SshClient
from tests.unit.ssh_daemons import dropbear, openssh

USER = "tekigo-nobody"
Daemon = Callable[[Path], AbstractContextManager[int]]
DAEMONS: dict[str, Daemon] = {
    "openssh": lambda folder: openssh(folder),
    "openssh-no-passwords": lambda folder: openssh(folder, "PasswordAuthentication no"),
    "openssh-one-try": lambda folder: openssh(folder, "MaxAuthTries 1"),
    "dropbear": lambda folder: dropbear(folder),
    "dropbear-no-passwords": lambda folder: dropbear(folder, "-s"),
}


@pytest.fixture(params=list(DAEMONS))
def daemon(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    with DAEMONS[request.param](tmp_path) as port:
        yield request.param, port


def client(port: int) -> SshClient:
    return SshClient("127.0.0.1", SshInterface(kind="ssh", port=port), LabScope([ipaddress.ip_network(
        "127.0.0.0/8")]), Transcript("ssh", Redactor({})), timeout=3.0)


def test_a_wrong_password_and_none_are_refused_as_each_server_says(daemon: tuple[str, int]) -> None:
    name, port = daemon
    ssh = client(port)
    none = ssh.none_auth(USER)
    assert not none.accepted and none.detail.startswith("'none' refused; server offers ['publickey'")
    results = [ssh.login(USER, "wrong"), ssh.login(USER, "")]
    expected = ("password authentication not offered" if name.endswith("no-passwords") else "password refused")
    assert [(r.accepted, r.detail.startswith(expected)) for r in results] == [(False, True), (False, True)]


def test_several_passwords_on_one_connection_are_each_answered(daemon: tuple[str, int]) -> None:
    name, port = daemon
    results = client(port).logins(USER, ["a", "b", "c"])
    # OpenSSH with MaxAuthTries 1 hangs up on the first, saying the tries are used up: that one is answered
    assert len(results) == (1 if name == "openssh-one-try" else 3) and not any(r.accepted for r in results)


def test_openssh_hanging_up_on_the_sixth_password_refused_it(tmp_path: Path) -> None:
    """OpenSSH's default MaxAuthTries 6: the sixth wrong password is answered with a disconnect ("Too many
    authentication failures"), which paramiko reports like a dropped connection; it used to be no answer."""
    transcript = Transcript("ssh", Redactor({}))
    with openssh(tmp_path) as port:
        ssh = SshClient("127.0.0.1", SshInterface(kind="ssh", port=port), LabScope([ipaddress.ip_network(
            "127.0.0.0/8")]), transcript, timeout=3.0)
        results = ssh.logins(USER, [f"wrong-{n}" for n in range(8)])
    assert len(results) == 6 and not any(r.accepted for r in results)
    assert "refused (disconnect code 2: 'Too many authentication failures')" in transcript.text()


def test_a_server_that_closes_without_a_word_is_no_answer(tmp_path: Path) -> None:
    """dropbear with one try (-T 1) closes the connection after the failure without a disconnect message."""
    with dropbear(tmp_path, "-T", "1") as port, pytest.raises(Unrecognised, match="ended without an answer"):
        client(port).login(USER, "wrong")
