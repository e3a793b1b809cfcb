"""Profile declarations for item 1's surface: SNMP, MQTT and UPnP interfaces, and exposed services."""

from pathlib import Path

import pytest

from harness.profile import MqttInterface, SnmpInterface, UpnpInterface
from harness.profile_loader import ProfileError, load_profile

SURFACE = """  - kind: snmp
    writable_object: sysContact
  - kind: mqtt
    config_topics: [unit/config/ntp]
  - kind: upnp
    port: 5000
exposed:
  - {port: 554, reason: "RTSP video stream, no settings"}
factory_default:"""


def with_surface(tmp_path: Path, text: str, surface: str = SURFACE) -> Path:
    path = tmp_path / "unit.yaml"
    path.write_text(text.replace("factory_default:", surface, 1), encoding="utf-8")
    return path


def test_surface_interfaces_and_exposed_services_load_with_defaults(tmp_path: Path,
                                                                    reference_profile_text: str) -> None:
    profile = load_profile(with_surface(tmp_path, reference_profile_text))
    snmp, mqtt, upnp = profile.interfaces[-3:]
    assert isinstance(snmp, SnmpInterface) and (snmp.port, snmp.writable_object) == (161, "sysContact")
    assert isinstance(mqtt, MqttInterface) and (mqtt.port, mqtt.config_topics) == (1883, ["unit/config/ntp"])
    assert isinstance(upnp, UpnpInterface) and upnp.description == "/rootDesc.xml"
    exposed = [(e.port, e.transport, e.reason) for e in profile.exposed]
    assert exposed == [(554, "tcp", "RTSP video stream, no settings")]


@pytest.mark.parametrize(("surface", "complaint"), [
    ("  - {kind: mqtt, config_topics: [unit/config/#]}\nfactory_default:", "no # or + wildcards"),
    ("  - {kind: mqtt, config_topics: []}\nfactory_default:", "at least 1 item"),
    ("  - {kind: upnp}\nfactory_default:", "port"),
    ("exposed:\n  - {port: 554}\nfactory_default:", "reason"),
])
def test_surface_declarations_that_cannot_be_checked_are_refused(tmp_path: Path, reference_profile_text: str,
                                                                 surface: str, complaint: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(with_surface(tmp_path, reference_profile_text, surface))
    assert complaint in str(caught.value)
