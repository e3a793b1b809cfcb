#!/usr/bin/env python3
"""UPnP discovery firmware of a reference device: answers SSDP M-SEARCH (UPnP Device Architecture 1.1, 1.3).

Standalone on purpose (stdlib only, nothing from `harness`): it is the unit's firmware. It announces
one root device (ssdp:alive at boot) and answers searches for ssdp:all, upnp:rootdevice, its uuid
and its device type, after the random delay of up to MX seconds the specification asks for.
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import struct
import sys
import time

GROUP, PORT = "239.255.255.250", 1900
MAX_DATAGRAM = 2048
MAX_WAIT_S = 1.0  # cap on the MX delay so a unit answers within a second, as small devices do
MAX_AGE_S = 1800


def headers_of(message: bytes) -> dict[str, str]:
    text = message[:MAX_DATAGRAM].decode("latin-1")
    pairs = re.findall(r"^([A-Za-z0-9.-]{1,40}):[ \t]*([^\r\n]{0,300})", text, re.MULTILINE)
    return {key.upper(): value.strip() for key, value in pairs}


class Responder:
    """The unit's SSDP identity and the answers it gives."""

    def __init__(self, address: str, location: str, device_type: str, uuid: str, server: str) -> None:
        self.address, self.location, self.device_type = address, location, device_type
        self.uuid, self.server = uuid, server

    def targets(self) -> dict[str, str]:
        """Search target -> USN, for every target this root device answers."""
        udn = f"uuid:{self.uuid}"
        return {"upnp:rootdevice": f"{udn}::upnp:rootdevice", udn: udn, self.device_type: f"{udn}::{self.device_type}"}

    def answers(self, search_target: str) -> list[bytes]:
        chosen = self.targets() if search_target == "ssdp:all" else {
            t: usn for t, usn in self.targets().items() if t == search_target}
        return [(f"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age={MAX_AGE_S}\r\nEXT:\r\nLOCATION: {self.location}\r\n"
                 f"SERVER: {self.server}\r\nST: {target}\r\nUSN: {usn}\r\n\r\n").encode()
                for target, usn in chosen.items()]

    def alive(self) -> list[bytes]:
        return [(f"NOTIFY * HTTP/1.1\r\nHOST: {GROUP}:{PORT}\r\nCACHE-CONTROL: max-age={MAX_AGE_S}\r\n"
                 f"LOCATION: {self.location}\r\nNT: {target}\r\nNTS: ssdp:alive\r\nSERVER: {self.server}\r\n"
                 f"USN: {usn}\r\n\r\n").encode() for target, usn in self.targets().items()]


def serve(responder: Responder) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", PORT))
    membership = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(responder.address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(responder.address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
    for notify in responder.alive():
        sock.sendto(notify, (GROUP, PORT))
    while True:
        message, sender = sock.recvfrom(MAX_DATAGRAM)
        if not message.startswith(b"M-SEARCH * HTTP/1.1"):
            continue
        headers = headers_of(message)
        if headers.get("MAN", "").strip('"') != "ssdp:discover":
            continue
        try:
            mx = max(0.0, min(float(headers.get("MX", "1")), MAX_WAIT_S))
        except ValueError:
            continue
        replies = responder.answers(headers.get("ST", ""))
        if replies:
            time.sleep(random.uniform(0, mx) if mx else 0)
            for reply in replies:
                sock.sendto(reply, sender)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--location", required=True)
    parser.add_argument("--device-type", required=True)
    parser.add_argument("--uuid", required=True)
    parser.add_argument("--server", required=True)
    arguments = parser.parse_args()
    serve(Responder(arguments.address, arguments.location, arguments.device_type, arguments.uuid, arguments.server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
