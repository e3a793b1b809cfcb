"""A broker a unit announces over DNS-SD goes into its draft profile as an mqtt interface to complete."""

import ipaddress

import yaml

from harness.net.discovery import Unit
from harness.net.mdns import Announced
from harness.net.profile_draft import draft_profile


def test_an_announced_broker_is_drafted_with_its_topics_to_declare() -> None:
    broker = Announced("TKG-U2 tkg-u2", "_mqtt._tcp", "tkg-u2.local", 1883, ("198.18.0.62",), {})
    unit = Unit("198.18.0.62", "", "tkg-u2.local", [broker], [])
    draft = yaml.safe_load(draft_profile(unit, ipaddress.ip_network("198.18.0.0/24")))
    assert draft["interfaces"] == [{"kind": "mqtt", "port": 1883, "config_topics": ["TODO"]}]
