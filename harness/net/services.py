"""Service classification: what a port's first bytes say it is (SSH, telnet, HTTP, RTSP, MQTT, ...)."""

import re
from dataclasses import dataclass

IAC = 0xFF
TELNET_NEGOTIATION = {0xFB, 0xFC, 0xFD, 0xFE}  # WILL WONT DO DONT
MQTT_CONNACK = 0x20
BANNER_SHOWN = 160


@dataclass(frozen=True)
class Service:
    """One open port and what answers on it."""

    port: int
    transport: str  # "tcp" or "udp"
    name: str  # ssh, telnet, http, https, rtsp, mqtt, ftp, smtp, snmp, upnp, mdns, or unknown
    detail: str = ""  # the product/version line the service gave (SSH banner, Server header, sysDescr)
    banner: str = ""  # the first bytes, printable, shortened


def printable(data: bytes, limit: int = BANNER_SHOWN) -> str:
    """Untrusted bytes as a short single-line text: control bytes and telnet negotiation escaped."""
    text = "".join(chr(b) if 32 <= b < 127 else "\\n" if b == 10 else f"\\x{b:02x}" for b in data if b != 13)
    return text[:limit] + ("..." if len(text) > limit else "")


def _header(data: bytes, name: bytes) -> str:
    match = re.search(rb"^" + name + rb":[ \t]*([^\r\n]{0,200})", data, re.IGNORECASE | re.MULTILINE)
    return match.group(1).decode("latin-1").strip() if match else ""


def classify(data: bytes) -> tuple[str, str] | None:
    """(service name, detail) for a reply, or None when it says nothing recognisable."""
    first_line = data.split(b"\n", 1)[0].strip().decode("latin-1")[:200]
    if data.startswith(b"SSH-"):
        return "ssh", first_line
    if data.startswith(b"HTTP/1.") or data.startswith(b"HTTP/2"):
        return "http", _header(data, b"Server")
    if data.startswith(b"RTSP/1."):
        return "rtsp", _header(data, b"Server")
    if len(data) >= 3 and data[0] == IAC and data[1] in TELNET_NEGOTIATION:
        return "telnet", ""
    if len(data) >= 4 and data[0] == MQTT_CONNACK and data[1] == 2:
        return "mqtt", f"CONNACK return code {data[3]}"
    if data.startswith(b"220"):
        name = "smtp" if re.search(rb"SMTP", data[:200], re.IGNORECASE) else "ftp"
        return name, first_line
    if re.search(rb"(login|user ?name)\s*:\s*$", data[-64:], re.IGNORECASE):
        return "telnet", ""
    return None
