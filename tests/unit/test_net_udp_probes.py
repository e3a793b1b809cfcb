"""The UDP probes: well-formed requests, and answers read into a one-line detail."""

from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.snmp import SNMP, SNMPresponse, SNMPvarbind

from harness.net.udp_probes import PROBES, SYS_DESCR


def probe(name: str):
    return next(p for p in PROBES if p.name == name)


def test_snmp_probe_asks_sys_descr_with_the_public_community() -> None:
    request = SNMP(probe("snmp").request("198.18.0.12"))
    assert request.community.val == b"public"
    assert request.PDU.varbindlist[0].oid.val == SYS_DESCR


def test_snmp_answer_detail_shows_the_community_and_sys_descr() -> None:
    reply = SNMP(community="public", PDU=SNMPresponse(varbindlist=[SNMPvarbind(oid=SYS_DESCR, value=b"TKG-C1 Linux")]))
    assert probe("snmp").detail(bytes(reply)) == "community 'public': TKG-C1 Linux"


def test_mdns_answer_detail_lists_the_announced_types() -> None:
    reply = DNS(qr=1, aa=1, qd=DNSQR(qname="_services._dns-sd._udp.local", qtype="PTR"), an=[
        DNSRR(rrname="_services._dns-sd._udp.local", type="PTR", rdata="_ssh._tcp.local"),
        DNSRR(rrname="_services._dns-sd._udp.local", type="PTR", rdata="_http._tcp.local")])
    assert probe("mdns").detail(bytes(reply)) == "announces _http._tcp.local, _ssh._tcp.local"


def test_ssdp_probe_is_a_unicast_m_search_and_its_answer_names_server_and_location() -> None:
    assert probe("upnp").request("198.18.0.12").startswith(b"M-SEARCH * HTTP/1.1\r\nHOST: 198.18.0.12:1900\r\n")
    answer = b"HTTP/1.1 200 OK\r\nSERVER: Linux UPnP/1.1 X/1\r\nLOCATION: http://198.18.0.12/d.xml\r\n\r\n"
    assert probe("upnp").detail(answer) == "SERVER Linux UPnP/1.1 X/1, LOCATION http://198.18.0.12/d.xml"
