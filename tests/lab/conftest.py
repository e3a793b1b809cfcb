"""Lab tests: root only (never a silent skip in CI), a fresh lab per module, clients in the tester namespace.

Nothing here sends a packet from the root namespace: every client runs under `ip netns exec tekigo-tester`.
"""

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from harness import lab
from harness.lab.devices import REFERENCE_DEVICES
from harness.lab.readiness import wait_until_listening

SNIPPET_TIMEOUT_S = 60.0

# Clients the snippets share; `params` holds the keyword arguments given to `in_tester`.
PRELUDE = '''
import json, socket, sys, time
params = json.loads(sys.argv[1])


def http():
    import requests
    session = requests.Session()
    session.trust_env = False  # no proxy: straight onto the lab LAN
    return session


def r1_login(password, username="admin"):
    """A session logged into r1 through its form (with the CSRF double submit), and the POST's answer."""
    session = http()
    session.get("http://198.18.0.11/login", timeout=5)
    answer = session.post("http://198.18.0.11/login", allow_redirects=False, timeout=5, data={
        "username": username, "password": password, "csrf_token": session.cookies.get("csrf", "")})
    return session, answer


def r1_csrf(session):
    return session.cookies.get("csrf", "")


def n1_login(password, username="admin"):
    return http().post("http://198.18.0.13/api/login", json={"username": username, "password": password},
                       timeout=5)


def bearer(token):
    return {"Authorization": "Bearer " + token}


def ssh_run(address, username, password, command):
    """The command's output, or None when the login is refused."""
    import paramiko
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(address, username=username, password=password, timeout=5, banner_timeout=5,
                       auth_timeout=10, look_for_keys=False, allow_agent=False)
    except paramiko.AuthenticationException:
        return None
    try:
        _, out, _ = client.exec_command(command, timeout=5)
        return out.read(65536).decode()
    finally:
        client.close()


class Telnet:
    """Just enough telnet: refuse every option, strip negotiation, read up to a marker."""

    def __init__(self, address, port=23):
        self.sock = socket.create_connection((address, port), timeout=10)
        self.buffer = b""

    def _receive(self):
        data = self.sock.recv(4096)
        if not data:
            raise EOFError(self.buffer)
        text, i = bytearray(), 0
        while i < len(data):
            if data[i] != 255 or i + 1 >= len(data):
                text.append(data[i])
                i += 1
            elif data[i + 1] in (251, 252, 253, 254) and i + 2 < len(data):  # WILL WONT DO DONT
                answer = {251: 254, 253: 252}.get(data[i + 1])
                if answer:
                    self.sock.sendall(bytes([255, answer, data[i + 2]]))
                i += 3
            elif data[i + 1] == 250:  # subnegotiation up to IAC SE
                end = data.find(bytes([255, 240]), i)
                i = len(data) if end < 0 else end + 2
            else:
                i += 2
        self.buffer += bytes(text)

    def read_until(self, *markers, deadline_s=10.0):
        deadline = time.monotonic() + deadline_s
        while not any(marker in self.buffer for marker in markers):
            if time.monotonic() > deadline:
                raise TimeoutError(self.buffer)
            self._receive()
        cut = min(self.buffer.find(m) + len(m) for m in markers if m in self.buffer)
        text, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return text.decode(errors="replace")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\\r\\n")


def telnet_login(address, username, password, command):
    """(banner, what followed the password, command output or None when the login failed)."""
    session = Telnet(address)
    banner = session.read_until(b"login: ")
    session.send(username)
    session.read_until(b"assword: ")
    session.send(password)
    after = session.read_until(b"# ", b"$ ", b"incorrect")
    if "incorrect" in after:
        return banner, after, None
    session.send(command + "; echo END-OF-COMMAND")
    session.read_until(b"END-OF-COMMAND")  # the echoed command line
    output = session.read_until(b"END-OF-COMMAND")
    session.sock.close()
    return banner, after, output


def tcp_open(address, port):
    try:
        socket.create_connection((address, port), timeout=2).close()
        return True
    except OSError:
        return False
'''

InTester = Callable[..., Any]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A lab test's `timeout` bounds its call, not its fixtures' wait for the lab lock another run holds.

    pytest-timeout's func_only, for lab tests only (conformance runs keep their whole-test bounds): the
    fixtures' lab work is bounded by the lab's own deadlines (commands, readiness, boot, the lock's wait).
    """
    for item in items:
        timeout = item.get_closest_marker("timeout")
        if timeout is not None and item.get_closest_marker("lab") is not None:
            item.add_marker(pytest.mark.timeout(*timeout.args, **{**timeout.kwargs, "func_only": True}), append=False)


@pytest.fixture(scope="session", autouse=True)
def _root_only() -> None:
    if os.geteuid() == 0:
        return
    message = "lab tests need root (network namespaces, mounts)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, and a CI without root must not skip them silently", pytrace=False)
    pytest.skip(message)


def run_in_tester(argv: Sequence[str], timeout: float = SNIPPET_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """A command run inside the tester namespace, without proxy settings from our environment."""
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return subprocess.run(lab.tester_command(argv), capture_output=True, text=True, timeout=timeout,
                          check=False, env=environment)


def _in_tester(code: str, **params: Any) -> Any:
    """Run a Python snippet in the tester namespace; the JSON of what it assigns to `result` comes back."""
    program = PRELUDE + textwrap.dedent(code) + "\nprint(json.dumps(result))\n"
    done = run_in_tester([sys.executable, "-c", program, json.dumps(params)])
    if done.returncode != 0:
        raise AssertionError(f"snippet failed in the tester namespace:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="session")
def in_tester() -> InTester:
    return _in_tester


@pytest.fixture(scope="module")
def lab_up() -> Iterator[lab.LabStatus]:
    """A fresh lab in factory state for the module, held exclusively and taken down afterwards."""
    with lab.exclusive_lab():
        status = lab.up()
        yield status
        lab.down()


def power_cycle(device: str) -> None:
    """Cut the unit's power, restore it and wait until its ports answer again."""
    power = lab.device_power(device)
    power.off()
    power.on()
    wait_until_listening([REFERENCE_DEVICES[device]])


@pytest.fixture(scope="session")
def cycle_power() -> Callable[[str], None]:
    return power_cycle
