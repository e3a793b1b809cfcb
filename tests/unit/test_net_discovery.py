"""Discovery results merged per unit, shown as a table, drafted into a profile; the LAN it may sweep."""

import ipaddress

import pytest
import yaml

from harness.net.arp import ArpReply
from harness.net.discovery import merge, units_table
from harness.net.lan import MDNS_GROUP, SSDP_GROUP, DiscoveryError, LabLan, lab_lan
from harness.net.mdns import Announced
from harness.net.profile_draft import draft_name, draft_profile
from harness.net.ssdp import UpnpDevice

LAB = ipaddress.ip_network("198.18.0.0/24")


def announced(kind: str, port: int, address: str = "198.18.0.12") -> Announced:
    return Announced("TKG-C1 tkg-c1", f"_{kind}._tcp", "tkg-c1.local", port, (address,), {"model": "TKG-C1"})


def found_units() -> list:
    arp = [ArpReply("198.18.0.12", "02:00:00:00:00:12"), ArpReply("198.18.0.9", "02:00:00:00:00:09")]
    services = [announced("http", 80), announced("telnet", 23)]
    upnp = [UpnpDevice("198.18.0.12", "upnp:rootdevice", "uuid:1::upnp:rootdevice", "Linux UPnP/1.1",
                       "http://198.18.0.12/upnp/device.xml")]
    return merge(arp, services, upnp)


def test_merge_gives_one_unit_per_address_in_address_order() -> None:
    units = found_units()
    assert [unit.address for unit in units] == ["198.18.0.9", "198.18.0.12"]
    camera = units[1]
    assert camera.mac == "02:00:00:00:00:12" and camera.hostname == "tkg-c1.local"
    assert [(s.service_type, s.port) for s in camera.services] == [("_http._tcp", 80), ("_telnet._tcp", 23)]
    assert camera.upnp[0].location == "http://198.18.0.12/upnp/device.xml"
    assert units[0].services == [] and units[0].upnp == []


def test_table_lists_services_and_upnp_description_urls() -> None:
    table = units_table(found_units())
    assert "198.18.0.12     02:00:00:00:00:12  tkg-c1.local          http:80, telnet:23" in table
    assert "upnp upnp:rootdevice at http://198.18.0.12/upnp/device.xml" in table
    assert table.endswith("2 units found")


def test_draft_profile_declares_the_interfaces_seen() -> None:
    camera = found_units()[1]
    text = draft_profile(camera, LAB)
    draft = yaml.safe_load(text)
    assert text.startswith("# DRAFT profile")
    assert draft["unit"]["address"] == "198.18.0.12" and draft["lab"]["networks"] == ["198.18.0.0/24"]
    assert [(i["kind"], i["port"]) for i in draft["interfaces"]] == [("http", 80), ("telnet", 23)]
    assert draft["equipment"]["model"] == "TKG-C1" and draft["onboarding"]["model"] == "TODO"
    assert draft_name(camera) == "tkg-c1.yaml"


def test_discovery_scope_is_the_lan_and_the_two_link_local_groups() -> None:
    scope = LabLan(LAB, "eth0", "198.18.0.2").scope()
    assert list(scope.networks) == [LAB, MDNS_GROUP, SSDP_GROUP]


@pytest.fixture
def tester_interfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interfaces `ip -j -4 addr` lists in the lab's tester namespace."""
    monkeypatch.setattr("harness.net.lan._interface_addresses",
                        lambda: [("lo", "127.0.0.1", 8), ("eth0", "198.18.0.2", 24)])


@pytest.mark.parametrize("cidr", ["198.18.0.0/24", "198.18.0.128/25", "198.18.0.7/24"])
def test_lan_is_found_on_the_interface_directly_on_it(tester_interfaces: None, cidr: str) -> None:
    lan = lab_lan(cidr)
    assert (lan.interface, lan.address) == ("eth0", "198.18.0.2")
    assert lan.network == ipaddress.ip_network(cidr, strict=False)


@pytest.mark.parametrize(("cidr", "message"), [
    ("198.18.0.0/16", "discovery sweeps at most 4096"),
    ("198.18.1.0/24", "no interface here is directly on 198.18.1.0/24"),
    ("198.18.0.0/23", "no interface here is directly on 198.18.0.0/23"),
    ("127.0.0.0/24", "no interface here is directly on 127.0.0.0/24"),  # loopback is no lab LAN
    ("2001:db8::/64", "IPv4 lab networks only"),
    ("lab", "is not a network"),
])
def test_lan_refuses_what_is_not_a_directly_connected_lab_lan(tester_interfaces: None, cidr: str,
                                                              message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        lab_lan(cidr)
