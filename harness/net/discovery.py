"""Discovery of the units on a lab LAN: ARP, mDNS/DNS-SD and SSDP at once, merged per address."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from harness.net.arp import ArpReply, arp_sweep
from harness.net.lan import LabLan
from harness.net.mdns import Announced, browse
from harness.net.ssdp import UpnpDevice, m_search
from harness.net.upnp_description import DeviceDescription, fetch_description
from harness.scope import guard


@dataclass
class Unit:
    """One address on the LAN and everything it showed: MAC, mDNS host name and services, UPnP devices."""

    address: str
    mac: str = ""
    hostname: str = ""
    services: list[Announced] = field(default_factory=list)
    upnp: list[UpnpDevice] = field(default_factory=list)
    descriptions: list[DeviceDescription] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def discover(lan: LabLan, wait_s: float = 1.5) -> list[Unit]:
    """Every unit that answered ARP, announced a DNS-SD service or answered M-SEARCH within `wait_s`."""
    with guard(lan.scope()), ThreadPoolExecutor(max_workers=3) as pool:
        arp = pool.submit(arp_sweep, lan, min(wait_s, 1.0))
        mdns = pool.submit(browse, lan, wait_s)
        ssdp = pool.submit(m_search, lan, wait_s)
        units = merge(arp.result(), mdns.result(), ssdp.result())
        described = {(u.address, loc): pool.submit(fetch_description, u.address, loc, lan.scope())
                     for u in units for loc in sorted({d.location for d in u.upnp})}
        for unit in units:
            unit.descriptions = [found for (address, _), job in described.items()
                                 if address == unit.address and (found := job.result()) is not None]
        return units


def merge(arp: list[ArpReply], services: list[Announced], upnp: list[UpnpDevice]) -> list[Unit]:
    """One Unit per address, ordered by address."""
    units: dict[str, Unit] = {}

    def unit(address: str) -> Unit:
        return units.setdefault(address, Unit(address))

    for reply in arp:
        unit(reply.address).mac = reply.mac
    for service in services:
        for address in service.addresses:
            found = unit(address)
            found.services.append(service)
            found.hostname = found.hostname or service.host
    for device in upnp:
        unit(device.address).upnp.append(device)
    return [units[address] for address in sorted(units, key=lambda a: tuple(int(p) for p in a.split(".")))]


def units_table(units: list[Unit]) -> str:
    """The units for a person: one line per unit, then its services and UPnP devices indented."""
    lines = [f"{'address':<16}{'mac':<19}{'host':<22}services"]
    for found in units:
        kinds = ", ".join(f"{s.service_type.removeprefix('_').split('.')[0]}:{s.port}" for s in found.services)
        lines.append(f"{found.address:<16}{found.mac or '-':<19}{found.hostname or '-':<22}{kinds or '-'}")
        lines.extend(f"{'':<16}upnp {device.search_target} at {device.location} ({device.server})"
                     for device in found.upnp)
        lines.extend(f"{'':<16}upnp device {d.friendly_name!r}, model {d.model_name!r} ({d.manufacturer})"
                     for d in found.descriptions)
    lines.append(f"{len(units)} unit{'s' * (len(units) != 1)} found")
    return "\n".join(lines)
