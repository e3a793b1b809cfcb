"""The SNMP write probe against a real net-snmp snmpd on loopback: writes are proven, restored, or refused."""

import ipaddress
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.checks import CheckEvidence
from harness.evidence import EvidenceStore, Redactor, Transcript
from harness.profile import SnmpInterface
from harness.scope import LabScope
from harness.transports.outcome import Classification
from harness.transports.snmp import SNMP_V1, SYSTEM_TEXT_OBJECTS, SnmpClient, write_communities
from harness.verdict import Inconclusive
from testcases.ter_34_10 import test_2c_network_services as network_services


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


ISSUE_14_AGENT = ["rocommunity public", "rwcommunity private", "sysLocation Server room (fixed in snmpd.conf)"]
ALL_FIXED_AGENT = [*ISSUE_14_AGENT, "sysContact admin@example.invalid", "sysName unit-1 (fixed)"]
# net-snmp's VACM giving both communities access in SNMPv1 only: v2c requests go unanswered
V1_ONLY_AGENT = ["com2sec rwUser default private", "com2sec roUser default public", "group RWGroup v1 rwUser",
                 "group ROGroup v1 roUser", "view all included .1", 'access RWGroup "" v1 noauth exact all all none',
                 'access ROGroup "" v1 noauth exact all none none']


def check_evidence(folder: Path) -> CheckEvidence:
    """What the check's `evidence` fixture gives it, kept in `folder`."""
    return CheckEvidence("snmp", EvidenceStore(folder, Redactor({})), Transcript("snmp", Redactor({})))


class Device:
    """The device fixture's one verb the SNMP check calls: a client for the declared agent."""

    def __init__(self, port: int) -> None:
        self.port = port

    def snmp(self, _interface: SnmpInterface) -> SnmpClient:
        return client(self.port)


def run_check(port: int, interface: SnmpInterface, evidence: CheckEvidence) -> None:
    """The suite's SNMP write check on the agent at `port` (it raises on FAIL and INCONCLUSIVE)."""
    network_services.test_snmp_refuses_sets_with_common_communities(Device(port), interface, evidence)


@pytest.mark.parametrize("agent", [["rocommunity public", "rwcommunity private"]], indirect=True)
def test_a_write_community_is_proven_by_reading_the_probe_back_and_restored(agent: int) -> None:
    snmp = client(agent)
    probe = snmp.probe_writes(write_communities())
    assert [(a.community, a.object) for a in probe.written] == [("private", "sysLocation")]
    assert [a.community for a in probe.accepted] == ["private"]
    assert probe.read_back == {"sysLocation": probe.written[0].probe} and probe.restored == {"sysLocation": True}
    public = [a for a in probe.attempts if a.community == "public"]
    assert [(a.object, a.answer.classification, a.answer.raw) for a in public] == [
        (name, Classification.REFUSED, "error-status noAccess (6)") for name in ("sysLocation", "sysName",
                                                                                 "sysContact")]
    assert snmp.read(SYSTEM_TEXT_OBJECTS["sysLocation"], "public").value == probe.originals["sysLocation"]


@pytest.mark.parametrize("agent", [ISSUE_14_AGENT], indirect=True)
def test_a_fixed_object_does_not_hide_a_write_community_another_object_takes(agent: int) -> None:
    """Issue 14: sysLocation fixed in snmpd.conf answers notWritable to the right community; sysName takes it."""
    probe = client(agent).probe_writes(write_communities())
    private = [(a.object, a.answer.classification, a.answer.raw) for a in probe.attempts if a.community == "private"]
    assert private == [("sysLocation", Classification.ACCEPTED, "error-status notWritable (17)"),
                       ("sysName", Classification.ACCEPTED, "error-status noError (0)")]
    assert [(a.community, a.object) for a in probe.written] == [("private", "sysName")]
    assert probe.restored == {"sysName": True}
    assert client(agent).read(SYSTEM_TEXT_OBJECTS["sysName"], "public").value == probe.originals["sysName"]


@pytest.mark.parametrize("agent", [ISSUE_14_AGENT], indirect=True)
def test_the_snmp_check_fails_a_write_community_that_meets_a_fixed_object_first(agent: int, tmp_path: Path) -> None:
    """The false PASS of issue 14, on the check itself: it used to count sysLocation's notWritable as refused."""
    interface = SnmpInterface(kind="snmp", port=agent)
    with pytest.raises(AssertionError, match="'private' set sysName to 'tekigo-"):
        run_check(agent, interface, check_evidence(tmp_path))


@pytest.mark.parametrize("agent", [ALL_FIXED_AGENT], indirect=True)
def test_a_write_community_is_a_fail_even_when_every_object_tried_is_fixed(agent: int, tmp_path: Path) -> None:
    interface = SnmpInterface(kind="snmp", port=agent)
    evidence = check_evidence(tmp_path)
    with pytest.raises(AssertionError, match="accepted the SET's community: 'private' on sysLocation: "
                                             "error-status notWritable"):
        run_check(agent, interface, evidence)
    assert evidence.findings == []  # nothing was written, so nothing needed restoring


@pytest.mark.parametrize("agent", [["rocommunity Unit-0wn-ro"]], indirect=True)
def test_an_agent_that_ignores_every_guess_is_told_apart_by_its_own_community(agent: int) -> None:
    snmp = client(agent)
    probe = snmp.probe_writes(write_communities())
    assert not probe.answered and probe.accepted == []
    assert {a.answer.classification for a in probe.attempts} == {Classification.UNCLASSIFIED}
    known = snmp.probe_writes(write_communities(), known_community="Unit-0wn-ro")
    assert {a.answer.classification for a in known.attempts} == {Classification.REFUSED}
    assert snmp.answers("Unit-0wn-ro") and not snmp.answers("nope")


@pytest.mark.parametrize("agent", [["rocommunity Unit-0wn-ro"]], indirect=True)
def test_the_snmp_check_is_inconclusive_when_silence_may_be_a_dead_agent(agent: int, tmp_path: Path) -> None:
    interface = SnmpInterface(kind="snmp", port=agent)
    with pytest.raises(Inconclusive, match="'private' on sysLocation: no answer"):
        run_check(agent, interface, check_evidence(tmp_path))
    declared = SnmpInterface(kind="snmp", port=agent, read_community="Unit-0wn-ro")
    run_check(agent, declared, check_evidence(tmp_path))  # PASS: no exception


@pytest.mark.parametrize("agent", [V1_ONLY_AGENT], indirect=True)
def test_an_agent_silent_in_v2c_is_probed_in_v1_where_noSuchName_is_unclassified(agent: int, tmp_path: Path) -> None:
    probe = client(agent).probe_writes(write_communities())
    assert probe.version == SNMP_V1
    assert [(a.community, a.object) for a in probe.written] == [("private", "sysLocation")]
    assert probe.restored == {"sysLocation": True}
    public = [a for a in probe.attempts if a.community == "public"]
    assert {(a.answer.classification, a.answer.raw) for a in public} == {
        (Classification.UNCLASSIFIED, "error-status noSuchName (2)")}
    with pytest.raises(AssertionError, match=r"\(SNMPv1\): 'private' set sysLocation"):
        run_check(agent, SnmpInterface(kind="snmp", port=agent), check_evidence(tmp_path))
