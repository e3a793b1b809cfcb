"""Whether a unit answers at all: TCP interfaces by a connect, SNMP (UDP) only by a GET with its read community."""

import ipaddress
import socket
from pathlib import Path

from harness.evidence import Redactor
from harness.profile_loader import load_profile
from harness.reachability import silent_interfaces
from harness.scope import LabScope

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
PROFILE = """tekigo_profile: 2
equipment: {{name: agent, model: m, manufacturer: x, serial: s, firmware_version: "1"}}
unit: {{address: 127.0.0.1, connect_timeout_s: 1}}
lab: {{networks: [127.0.0.0/8]}}
interfaces:
{interfaces}
power: {{driver: manual}}
"""


def profile(tmp_path: Path, interfaces: str):
    path = tmp_path / "unit.yaml"
    path.write_text(PROFILE.format(interfaces=interfaces))
    return load_profile(path)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_snmp_only_unit_without_a_read_community_is_not_probed_over_tcp(tmp_path: Path) -> None:
    reasons = silent_interfaces(profile(tmp_path, "  - {kind: snmp, port: 161}"), LOOPBACK, Redactor({}))
    assert reasons == ["snmp:161 (UDP) not probed: no read_community declared"]


def test_an_snmp_agent_that_stays_silent_is_named_with_the_tcp_port_that_refused(tmp_path: Path) -> None:
    port, snmp = closed_port(), closed_port()
    unit = profile(tmp_path, f"  - {{kind: snmp, port: {snmp}, read_community: public}}\n"
                             f"  - {{kind: mqtt, port: {port}, config_topics: [a/b]}}")
    reasons = silent_interfaces(unit, LOOPBACK, Redactor({}))
    assert reasons is not None and reasons[0] == f"snmp:{snmp} no answer to a GET with the read community"
    assert reasons[1].startswith(f"mqtt:{port} ")


def test_one_listening_tcp_interface_is_enough(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listening:
        port = listening.getsockname()[1]
        unit = profile(tmp_path, f"  - {{kind: snmp, port: 161}}\n  - {{kind: mqtt, port: {port}, config_topics: [a]}}")
        assert silent_interfaces(unit, LOOPBACK, Redactor({})) is None
