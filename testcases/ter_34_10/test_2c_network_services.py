"""TER-34-10-1: SNMP, MQTT and UPnP IGD refuse unauthenticated changes (and MQTT reads) of settings."""

import pytest

from harness.transports.snmp import VERSION_NAMES, write_communities
from harness.transports.upnp import classify_mapping
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-1")


@pytest.mark.interfaces("snmp")
def test_snmp_refuses_sets_with_common_communities(device, interface, evidence):
    client = device.snmp(interface)
    known = interface.read_community.get_secret_value() if interface.read_community else None
    probe = client.probe_writes(write_communities(), known)
    for name, restored in probe.restored.items():
        if not restored:
            evidence.finding(f"{name} could not be restored to {probe.originals.get(name)!r}")
    where = f"SNMP {interface.port} ({VERSION_NAMES[probe.version]})"
    written = [f"{a.community!r} set {a.object} to {a.probe!r}" for a in probe.written]
    assert not written, f"{where}: " + "; ".join(written) + f" (read back {probe.read_back})"
    accepted = [f"{a.community!r} on {a.object}: {a.answer.raw} ({a.answer.reason})" for a in probe.accepted]
    assert not accepted, f"{where}: the agent accepted the SET's community: " + "; ".join(accepted)
    if probe.unclassified:
        raise Inconclusive(f"{where}: answers that show neither a refused nor an accepted community: "
                           + "; ".join(f"{a.community!r} on {a.object}: {a.answer.raw} ({a.answer.reason})"
                                       for a in probe.unclassified)
                           + ("" if known else "; declare the unit's `read_community` to tell silent refusals "
                              "from an agent that is not running"))


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
    added = classify_mapping(attempt.added)
    assert not (added.accepted or attempt.present), (
        f"UPnP IGD {interface.port}: AddPortMapping of external TCP {attempt.external_port} to "
        f"{attempt.internal_client} was accepted without authentication")
    added.decided()  # an error that does not refuse the control point: INCONCLUSIVE with it
