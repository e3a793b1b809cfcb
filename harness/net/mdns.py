"""mDNS/DNS-SD browse (python-zeroconf): the services each unit announces on the lab LAN."""

import ipaddress
import time
from dataclasses import dataclass, field

from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

from harness.net.lan import LabLan

SERVICE_TYPES = "_services._dns-sd._udp.local."
RESOLVE_TIMEOUT_MS = 1000


@dataclass(frozen=True)
class Announced:
    """One DNS-SD service instance: its type, the host and port it names, and its TXT properties."""

    instance: str
    service_type: str
    host: str
    port: int
    addresses: tuple[str, ...]
    properties: dict[str, str] = field(default_factory=dict)


def browse(lan: LabLan, wait_s: float = 1.5) -> list[Announced]:
    """Every service announced on the LAN within `wait_s` (service types first, then their instances)."""
    zeroconf = Zeroconf(interfaces=[lan.address], ip_version=IPVersion.V4Only)
    types: set[str] = set()
    instances: set[tuple[str, str]] = set()

    def on_type(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        types.add(name)

    def on_instance(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is not ServiceStateChange.Removed:
            instances.add((service_type, name))

    browsers = [ServiceBrowser(zeroconf, SERVICE_TYPES, handlers=[on_type])]
    try:
        browsing: set[str] = set()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            for service_type in sorted(types - browsing):
                browsing.add(service_type)
                browsers.append(ServiceBrowser(zeroconf, service_type, handlers=[on_instance]))
            time.sleep(0.05)
        return [found for service_type, name in sorted(instances)
                if (found := _resolve(zeroconf, lan, service_type, name)) is not None]
    finally:
        for browser in browsers:
            browser.cancel()
        zeroconf.close()


def _resolve(zeroconf: Zeroconf, lan: LabLan, service_type: str, name: str) -> Announced | None:
    info = zeroconf.get_service_info(service_type, name, timeout=RESOLVE_TIMEOUT_MS)
    if info is None or info.port is None:
        return None
    addresses = tuple(sorted(a for a in info.parsed_addresses(IPVersion.V4Only) if _on_lan(lan, a)))
    properties = {key.decode(errors="replace"): (value or b"").decode(errors="replace")[:200]
                  for key, value in (info.properties or {}).items()}
    return Announced(name.removesuffix("." + service_type), service_type.removesuffix(".local."),
                     (info.server or "").rstrip("."), info.port, addresses, properties)


def _on_lan(lan: LabLan, address: str) -> bool:
    return ipaddress.ip_address(address) in lan.network
