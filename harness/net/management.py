"""Which services of a scanned unit are management interfaces, and which of them the profile leaves undeclared.

A management interface is one through which settings can be read or changed: remote shells (ssh,
telnet), web admins (http, https), SNMP, MQTT, UPnP (its SSDP and control URLs), FTP and CoAP
(LwM2M device management). mDNS only announces, RTSP only streams; any other answer cannot be told
apart from a proprietary management protocol, so it must be declared (as an interface, or as an
exposed service with the vendor's reason) before the surface can be judged.
"""

from dataclasses import dataclass

from harness.net.services import Service
from harness.profile import DeviceProfile, SnmpInterface, UpnpInterface

MANAGEMENT = frozenset({"ssh", "telnet", "http", "https", "snmp", "mqtt", "upnp", "ftp", "coap"})
NOT_MANAGEMENT = frozenset({"mdns", "rtsp"})
SSDP_PORT = 1900


@dataclass(frozen=True)
class SurfaceReview:
    """The open services the profile does not account for, split by what they are."""

    undeclared_management: list[Service]
    unclassified: list[Service]

    def lines(self) -> list[str]:
        return [f"{s.port}/{s.transport} {s.name}: {s.detail or s.banner or '(no banner)'}"
                for s in [*self.undeclared_management, *self.unclassified]]


def declared_ports(profile: DeviceProfile) -> set[tuple[str, int]]:
    """(transport, port) of every declared interface and every exposed service the profile explains."""
    ports = {(exposed.transport, exposed.port) for exposed in profile.exposed}
    # An update method with a server of its own (swupdate's web upload) is declared by the firmware section.
    if profile.firmware is not None and profile.firmware.update.port is not None:
        ports.add(("tcp", profile.firmware.update.port))
    for interface in profile.interfaces:
        if isinstance(interface, SnmpInterface):
            ports.add(("udp", interface.port))
            continue
        ports.add(("tcp", interface.port))
        if isinstance(interface, UpnpInterface):
            ports.add(("udp", SSDP_PORT))
    return ports


def classification(services: list[Service], profile: DeviceProfile) -> str:
    """Each open service with how the review sees it: declared, management, not management or unclassified."""
    declared = declared_ports(profile)
    reasons = {(exposed.transport, exposed.port): exposed.reason for exposed in profile.exposed}

    def status(service: Service) -> str:
        if (service.transport, service.port) in reasons:
            return f"declared as no management interface ({reasons[service.transport, service.port]})"
        if (service.transport, service.port) in declared:
            return "declared"
        if service.name in MANAGEMENT:
            return "UNDECLARED management interface"
        return "not management" if service.name in NOT_MANAGEMENT else "unclassified"

    return "\n".join(f"{s.port}/{s.transport} {s.name}: {status(s)}" for s in services)


def review(services: list[Service], profile: DeviceProfile) -> SurfaceReview:
    """Sort the services the profile does not declare into management and unclassified ones."""
    declared = declared_ports(profile)
    undeclared = [s for s in services if (s.transport, s.port) not in declared]
    return SurfaceReview(
        undeclared_management=[s for s in undeclared if s.name in MANAGEMENT],
        unclassified=[s for s in undeclared if s.name not in MANAGEMENT | NOT_MANAGEMENT],
    )
