"""TER-34-10-1: SNMP, MQTT and UPnP IGD refuse unauthenticated changes (and MQTT reads) of settings."""

import pytest

from harness.transports.snmp import write_communities
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-1")


@pytest.mark.interfaces("snmp")
def test_snmp_refuses_sets_with_common_communities(device, interface, evidence):
    client = device.snmp(interface)
    probe = client.probe_writes(write_communities())
    if probe.accepted and probe.restored is False:
        evidence.finding(f"{interface.writable_object} could not be restored to {probe.original!r}")
    written = [f"{a.community!r} set {interface.writable_object} to {a.probe!r}" for a in probe.written]
    assert not written, f"SNMP {interface.port}: " + "; ".join(written) + f" (read back {probe.read_back!r})"
    accepted = [a.community for a in probe.accepted]
    assert not accepted, f"SNMP {interface.port}: the agent accepted SETs with the communities {accepted}"
    if not probe.answered and not (interface.read_community and client.answers(
            interface.read_community.get_secret_value())):
        raise Inconclusive(f"SNMP {interface.port}: no answer to any community; declare the unit's "
                           "`read_community` to tell silent refusals from an agent that is not running")


@pytest.mark.interfaces("mqtt")
def test_mqtt_refuses_anonymous_access_to_configuration(device, interface, evidence):
    client = device.mqtt(interface)
    observer = interface.observer
    access = client.anonymous_access(interface.config_topics, observer and (
        observer.username, observer.password.get_secret_value()))
    if not access.connected:
        return  # the broker refused the anonymous CONNECT (its CONNACK is in the evidence)
    opened = [f"read {t}" for t in access.read] + [f"publish to {t}" for t in access.published]
    assert not opened, f"MQTT {interface.port}: an anonymous client may " + ", ".join(opened)
    if not access.observed:
        raise Inconclusive(f"MQTT {interface.port} accepts anonymous clients and delivered nothing to them; "
                           "whether their publishes reach the unit needs an `observer` account in the profile")


@pytest.mark.interfaces("upnp")
def test_upnp_igd_refuses_unauthenticated_port_mapping(device, interface, evidence):
    client = device.upnp(interface)
    attempt = client.try_port_mapping()
    if attempt.deleted is False:
        evidence.finding(f"the mapping of external port {attempt.external_port} could not be deleted "
                         "(it expires with its lease)")
    assert not (attempt.added.ok or attempt.present), (
        f"UPnP IGD {interface.port}: AddPortMapping of external TCP {attempt.external_port} to "
        f"{attempt.internal_client} was accepted without authentication")
