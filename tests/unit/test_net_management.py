"""Surface review: which open services are management interfaces the profile leaves undeclared."""

from pathlib import Path

from harness.net.management import classification, declared_ports, review
from harness.net.services import Service
from harness.profile import ExposedService, MqttInterface, SnmpInterface, UpnpInterface
from harness.profile_loader import load_profile

R1 = load_profile(Path(__file__).parents[2] / "device_profiles/reference/r1-router.yaml")


def test_declared_interfaces_cover_their_ports_and_upnp_its_ssdp() -> None:
    profile = R1.model_copy(update={"interfaces": [
        *R1.interfaces[:1], SnmpInterface(kind="snmp"), MqttInterface(kind="mqtt", config_topics=["a/config"]),
        UpnpInterface(kind="upnp", port=5000)]})
    assert declared_ports(profile) == {("tcp", 80), ("udp", 161), ("tcp", 1883), ("tcp", 5000), ("udp", 1900)}


def test_undeclared_management_is_split_from_unclassified_and_harmless_services() -> None:
    services = [Service(22, "tcp", "ssh", "SSH-2.0-dropbear"), Service(23, "tcp", "telnet"),
                Service(1883, "tcp", "mqtt", "CONNACK return code 0"), Service(554, "tcp", "rtsp"),
                Service(9999, "tcp", "unknown", banner="\\x00\\x01"), Service(5353, "udp", "mdns"),
                Service(161, "udp", "snmp", "community 'public': Linux"), Service(5683, "udp", "coap", "CoAP 2.05")]
    found = review(services, R1)
    assert [(s.port, s.name) for s in found.undeclared_management] == [(23, "telnet"), (1883, "mqtt"), (5683, "coap")]
    assert [s.port for s in found.unclassified] == [9999]
    assert found.lines()[0] == "23/tcp telnet: (no banner)"


def test_an_exposed_service_with_a_reason_is_accounted_for() -> None:
    profile = R1.model_copy(update={"exposed": [ExposedService(port=9999, reason="vendor log stream, read-only")]})
    assert review([Service(9999, "tcp", "unknown")], profile).unclassified == []
    assert classification([Service(9999, "tcp", "unknown")], profile) == (
        "9999/tcp unknown: declared as no management interface (vendor log stream, read-only)")


def test_the_classification_evidence_names_each_service_status() -> None:
    services = [Service(80, "tcp", "http"), Service(23, "tcp", "telnet"), Service(5353, "udp", "mdns"),
                Service(9999, "tcp", "unknown")]
    assert classification(services, R1).splitlines() == [
        "80/tcp http: declared", "23/tcp telnet: UNDECLARED management interface", "5353/udp mdns: not management",
        "9999/tcp unknown: unclassified"]


def test_an_update_server_on_its_own_port_is_declared_by_the_firmware_section() -> None:
    update = R1.firmware.update.model_copy(update={"port": 8080})
    profile = R1.model_copy(update={"firmware": R1.firmware.model_copy(update={"update": update})})
    assert ("tcp", 8080) in declared_ports(profile) and ("tcp", 8080) not in declared_ports(R1)
