"""UDP probes the checks need: SNMP (a read-write community opens settings), SSDP and mDNS (what a unit
announces), CoAP (resource discovery, how LwM2M devices are managed)."""

import re
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from scapy.asn1.asn1 import ASN1_OID
from scapy.layers.dns import DNS, DNSQR
from scapy.layers.snmp import SNMP, SNMPget, SNMPvarbind

from harness.net.services import Service, printable
from harness.profile import SYS_DESCR
from harness.scope import LabScope

MAX_DATAGRAM = 4096


@dataclass(frozen=True)
class UdpProbe:
    """One request to one UDP port and how to read its answer."""

    name: str
    port: int
    request: Callable[[str], bytes]
    detail: Callable[[bytes], str]


def _snmp_request(address: str) -> bytes:
    return bytes(SNMP(version=1, community="public", PDU=SNMPget(varbindlist=[SNMPvarbind(oid=ASN1_OID(SYS_DESCR))])))


def _snmp_detail(reply: bytes) -> str:
    try:
        value = SNMP(reply).PDU.varbindlist[0].value.val
    except (AttributeError, IndexError, TypeError):
        return "answered (not a readable SNMP response)"
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return f"community 'public': {text}"


def _ssdp_request(address: str) -> bytes:
    return (f'M-SEARCH * HTTP/1.1\r\nHOST: {address}:1900\r\nMAN: "ssdp:discover"\r\nST: upnp:rootdevice\r\n'
            "USER-AGENT: tekigo-scan UPnP/1.1\r\n\r\n").encode()


def _ssdp_detail(reply: bytes) -> str:
    headers = dict(re.findall(rb"^([A-Za-z-]{1,40}):[ \t]*([^\r\n]{0,200})", reply, re.MULTILINE))
    headers = {key.upper(): value for key, value in headers.items()}
    return printable(b"SERVER " + headers.get(b"SERVER", b"?") + b", LOCATION " + headers.get(b"LOCATION", b"?"))


def _mdns_request(address: str) -> bytes:
    # A one-shot ("legacy unicast") query from a port other than 5353: the answer comes back to us (RFC 6762 6.7).
    return bytes(DNS(id=0x7E6B, rd=0, qd=DNSQR(qname="_services._dns-sd._udp.local", qtype="PTR")))


def _mdns_detail(reply: bytes) -> str:
    try:
        answers = DNS(reply).an
        names = sorted({answer.rdata.decode() if isinstance(answer.rdata, bytes) else str(answer.rdata)
                        for answer in (answers or [])})
    except (AttributeError, TypeError, UnicodeDecodeError):
        return "answered (not a readable DNS response)"
    return "announces " + ", ".join(name.rstrip(".") for name in names)


# CoAP (RFC 7252 3): confirmable GET, message id 0x7E6B, Uri-Path ".well-known" and "core" (RFC 6690 resource
# discovery). Option delta 11 (Uri-Path) with length 11, then delta 0 with length 4.
COAP_DISCOVERY = bytes([0x40, 0x01, 0x7E, 0x6B, 0xBB]) + b".well-known" + bytes([0x04]) + b"core"
COAP_PAYLOAD_MARKER = 0xFF


def _coap_request(address: str) -> bytes:
    return COAP_DISCOVERY


def _coap_detail(reply: bytes) -> str:
    if len(reply) < 4 or reply[0] >> 6 != 1:
        return "answered (not a CoAP message)"
    code = f"{reply[1] >> 5}.{reply[1] & 0x1F:02d}"
    marker = reply.find(bytes([COAP_PAYLOAD_MARKER]), 4 + (reply[0] & 0x0F))
    resources = printable(reply[marker + 1:]) if marker >= 0 else ""
    return f"CoAP {code}" + (f", resources {resources}" if resources else "")


PROBES = (
    UdpProbe("snmp", 161, _snmp_request, _snmp_detail),
    UdpProbe("upnp", 1900, _ssdp_request, _ssdp_detail),
    UdpProbe("mdns", 5353, _mdns_request, _mdns_detail),
    UdpProbe("coap", 5683, _coap_request, _coap_detail),
)


def probe(address: str, udp_probe: UdpProbe, timeout_s: float) -> Service | None:
    """Send the probe once; the service when an answer comes from the target's port within `timeout_s`."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        sock.sendto(udp_probe.request(address), (address, udp_probe.port))
        try:
            while True:
                reply, sender = sock.recvfrom(MAX_DATAGRAM)
                if sender == (address, udp_probe.port):
                    return Service(udp_probe.port, "udp", udp_probe.name, udp_probe.detail(reply), printable(reply))
        except (TimeoutError, ConnectionRefusedError):
            return None  # silence or ICMP port unreachable: nothing there


def probe_all(address: str, scope: LabScope, timeout_s: float = 1.0,
              probes: Sequence[UdpProbe] = PROBES) -> list[Service]:
    """Every one of `probes` at once against `address` (checked against `scope`); the ones that answered."""
    target = str(scope.check(address))
    with ThreadPoolExecutor(max_workers=max(len(probes), 1)) as pool:
        found = list(pool.map(lambda p: probe(target, p, timeout_s), probes))
    return [service for service in found if service is not None]
