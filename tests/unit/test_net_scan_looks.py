"""The scan's table says when each look ran and what it saw first; a surface still growing is incomplete."""

from harness.net.scan import AttackSurface, Look
from harness.net.services import Service


def surface(stopped_by: str = "") -> AttackSurface:
    return AttackSurface("198.18.0.12", tcp=[Service(80, "tcp", "http")], udp=[Service(5353, "udp", "mdns")],
                         ports_probed=65535, sweep_seconds=0.7, stopped_by=stopped_by, looks=[
                             Look(0.0, 65535, ["snmp", "upnp", "mdns", "coap"], ["80/tcp http"]),
                             Look(2.0, 65534, ["snmp", "upnp", "mdns", "coap"], ["5353/udp mdns"]),
                             Look(4.0, 65534, ["snmp", "upnp", "coap"])])


def test_table_lists_every_look_with_what_it_found_first() -> None:
    lines = surface().table().splitlines()
    assert lines[1:4] == [
        "look 1 at 0.0 s: 65535 TCP ports and 4 UDP probes; new: 80/tcp http",
        "look 2 at 2.0 s: 65534 TCP ports and 4 UDP probes not answered before; new: 5353/udp mdns",
        "look 3 at 4.0 s: 65534 TCP ports and 3 UDP probes not answered before; nothing new"]
    assert surface().to_json()["looks"][1]["found"] == ["5353/udp mdns"]


def test_a_surface_still_growing_is_not_complete() -> None:
    assert surface().complete
    growing = surface("(services still appearing at look 3: the surface is not steady)")
    assert not growing.complete and "INCOMPLETE" in growing.table().splitlines()[0]
