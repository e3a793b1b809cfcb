"""The Device builds every client for its declared interfaces: the unit's address checked against the scope,
the check's transcript, and the timeouts the profile declares. Nothing is sent."""

import ipaddress
from pathlib import Path

import pytest

from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.profile import MqttInterface, SnmpInterface, UpnpInterface
from harness.profile_loader import load_profile
from harness.scope import LabScope, OutOfScope

from .test_profile_surface import with_surface

CONNECT_TIMEOUT_S = 3.0


def device(tmp_path: Path, profile_text: str, network: str) -> Device:
    profile = load_profile(with_surface(tmp_path, profile_text))
    profile = profile.model_copy(update={"unit": profile.unit.model_copy(
        update={"connect_timeout_s": CONNECT_TIMEOUT_S})})
    scope = LabScope([ipaddress.ip_network(network)], allow_routed=True)  # routes are not this test's concern
    return Device(profile, scope, Transcript("clients", Redactor({})))


def test_surface_clients_carry_the_units_address_transcript_and_timeouts(tmp_path: Path,
                                                                         reference_profile_text: str) -> None:
    unit = device(tmp_path, reference_profile_text, "198.18.0.0/24")
    snmp, mqtt, upnp = unit.profile.interfaces[-3:]
    assert isinstance(snmp, SnmpInterface) and isinstance(mqtt, MqttInterface) and isinstance(upnp, UpnpInterface)
    clients = [unit.snmp(snmp), unit.mqtt(mqtt), unit.upnp(upnp)]
    assert [(c.address, c.interface, c.transcript) for c in clients] == [
        (unit.address, interface, unit.transcript) for interface in (snmp, mqtt, upnp)]
    assert (clients[1].timeout_s, clients[2].timeout_s) == (CONNECT_TIMEOUT_S, CONNECT_TIMEOUT_S)
    assert unit.snmp(snmp, timeout_s=2.0).timeout_s == 2.0
    assert unit.snmp(snmp, timeout_s=10.0).timeout_s == CONNECT_TIMEOUT_S


def test_surface_clients_refuse_a_unit_outside_the_scope(tmp_path: Path, reference_profile_text: str) -> None:
    unit = device(tmp_path, reference_profile_text, "127.0.0.0/8")
    snmp, mqtt, upnp = unit.profile.interfaces[-3:]
    for build in (lambda: unit.snmp(snmp), lambda: unit.mqtt(mqtt), lambda: unit.upnp(upnp)):
        with pytest.raises(OutOfScope, match="outside the declared lab networks"):
            build()
