"""The SNMP write probe against a real net-snmp snmpd on loopback: writes are proven, restored, or refused."""

import ipaddress
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import SnmpInterface
from harness.scope import LabScope
from harness.transports.snmp import SnmpClient, write_communities


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def agent(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[int]:
    """snmpd on 127.0.0.1 with the communities in `request.param` (snmpd.conf lines)."""
    port = free_udp_port()
    (tmp_path / "snmpd.conf").write_text(f"agentaddress udp:127.0.0.1:{port}\n" + "\n".join(request.param) + "\n")
    daemon = subprocess.Popen(["snmpd", "-f", "-C", "-I", "-smux", "-c", str(tmp_path / "snmpd.conf"),
                               "-Lf", str(tmp_path / "snmpd.log"), "-p", str(tmp_path / "snmpd.pid")],
                              env={"SNMP_PERSISTENT_DIR": str(tmp_path), "PATH": "/usr/sbin:/usr/bin"})
    deadline = time.monotonic() + 5
    while not (tmp_path / "snmpd.pid").exists():
        assert daemon.poll() is None and time.monotonic() < deadline, "snmpd did not start"
        time.sleep(0.05)
    yield port
    daemon.kill()
    daemon.wait(timeout=10)


def client(port: int) -> SnmpClient:
    return SnmpClient("127.0.0.1", SnmpInterface(kind="snmp", port=port), LabScope([ipaddress.ip_network(
        "127.0.0.0/8")]), Transcript("snmp", Redactor({})), timeout_s=0.3, retries=0)


@pytest.mark.parametrize("agent", [["rocommunity public", "rwcommunity private"]], indirect=True)
def test_a_write_community_is_proven_by_reading_the_probe_back_and_restored(agent: int) -> None:
    snmp = client(agent)
    probe = snmp.probe_writes(write_communities())
    assert [a.community for a in probe.written] == ["private"] == [a.community for a in probe.accepted]
    assert probe.read_back == probe.written[0].probe and probe.restored is True
    assert next(a for a in probe.attempts if a.community == "public").detail == "refused: noAccess"


@pytest.mark.parametrize("agent", [["rocommunity Unit-0wn-ro"]], indirect=True)
def test_an_agent_that_ignores_every_guess_is_told_apart_by_its_own_community(agent: int) -> None:
    snmp = client(agent)
    probe = snmp.probe_writes(write_communities())
    assert not probe.answered and probe.accepted == []
    assert snmp.answers("Unit-0wn-ro") and not snmp.answers("nope")
