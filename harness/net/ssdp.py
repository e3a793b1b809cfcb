"""SSDP M-SEARCH (UPnP Device Architecture 1.1, 1.3.2): the UPnP devices on the LAN and their description URLs."""

import ipaddress
import re
import socket
import time
from dataclasses import dataclass

from harness.net.lan import SSDP_GROUP, LabLan

SSDP_PORT = 1900
MAX_DATAGRAM = 4096
MAX_RESPONSES = 1000


@dataclass(frozen=True)
class UpnpDevice:
    """One M-SEARCH response: who answered, what it is (ST/USN), its SERVER and its description URL."""

    address: str
    search_target: str
    usn: str
    server: str
    location: str


def m_search(lan: LabLan, wait_s: float = 1.5, search_target: str = "ssdp:all") -> list[UpnpDevice]:
    """Multicast one M-SEARCH with TTL 1 from the lab interface; collect the answers for `wait_s`."""
    mx = max(1, min(5, int(wait_s)))
    request = (f'M-SEARCH * HTTP/1.1\r\nHOST: {SSDP_GROUP.network_address}:{SSDP_PORT}\r\nMAN: "ssdp:discover"\r\n'
               f"MX: {mx}\r\nST: {search_target}\r\nUSER-AGENT: tekigo-discover UPnP/1.1\r\n\r\n").encode()
    found: dict[tuple[str, str], UpnpDevice] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((lan.address, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(lan.address))
        sock.sendto(request, (str(SSDP_GROUP.network_address), SSDP_PORT))
        deadline = time.monotonic() + wait_s
        while (remaining := deadline - time.monotonic()) > 0 and len(found) < MAX_RESPONSES:
            sock.settimeout(remaining)
            try:
                reply, (sender, _) = sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                break
            device = parse_response(sender, reply)
            if device and ipaddress.ip_address(sender) in lan.network:
                found.setdefault((device.address, device.usn), device)
    return sorted(found.values(), key=lambda d: (d.address, d.usn))


def parse_response(sender: str, reply: bytes) -> UpnpDevice | None:
    """An M-SEARCH response (HTTP/1.1 200 over UDP) as a UpnpDevice; None for anything else."""
    if not reply.startswith(b"HTTP/1.1 200"):
        return None
    headers = {key.upper(): value.strip()
               for key, value in re.findall(r"^([A-Za-z0-9.-]{1,40}):[ \t]*([^\r\n]{0,300})",
                                            reply.decode("latin-1"), re.MULTILINE)}
    if "USN" not in headers or "LOCATION" not in headers:
        return None
    return UpnpDevice(sender, headers.get("ST", ""), headers["USN"], headers.get("SERVER", ""), headers["LOCATION"])
