"""The lab LAN discovery may sweep: a declared network that an interface here is directly on."""

import ipaddress
import json
import subprocess
from dataclasses import dataclass

from harness.scope import LabScope

MAX_ADDRESSES = 4096  # a /20: a lab LAN, never a sweep of someone's campus
MDNS_GROUP = ipaddress.ip_network("224.0.0.251/32")  # link-local scope: routers never forward it
SSDP_GROUP = ipaddress.ip_network("239.255.255.250/32")  # sent with TTL 1, so it stays on the LAN


class DiscoveryError(Exception):
    """Discovery cannot run on this network from here; nothing was sent."""


@dataclass(frozen=True)
class LabLan:
    """The declared network, the interface on it and our own address there."""

    network: ipaddress.IPv4Network
    interface: str
    address: str

    def scope(self) -> LabScope:
        """The scope discovery runs under: the network plus the two link-local discovery groups."""
        return LabScope([self.network, MDNS_GROUP, SSDP_GROUP])


def lab_lan(cidr: str) -> LabLan:
    """The LAN for `cidr`; DiscoveryError when it is too large or no interface here is directly on it."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError as error:
        raise DiscoveryError(f"{cidr!r} is not a network (expected e.g. 198.18.0.0/24)") from error
    if not isinstance(network, ipaddress.IPv4Network):
        raise DiscoveryError("discovery sweeps IPv4 lab networks only")
    if network.num_addresses > MAX_ADDRESSES:
        raise DiscoveryError(f"{network} has {network.num_addresses} addresses; discovery sweeps at most "
                             f"{MAX_ADDRESSES} (a /20)")
    for interface, address, prefix in _interface_addresses():
        on_link = ipaddress.IPv4Network(f"{address}/{prefix}", strict=False)
        if interface != "lo" and network.subnet_of(on_link):
            return LabLan(network, interface, address)
    raise DiscoveryError(f"no interface here is directly on {network}: discovery only sweeps a directly connected "
                         "lab LAN (in the reference lab: --netns tekigo-tester)")


def _interface_addresses() -> list[tuple[str, str, int]]:
    done = subprocess.run(["ip", "-j", "-4", "addr", "show"], capture_output=True, text=True, timeout=5, check=False)
    if done.returncode != 0:
        raise DiscoveryError(f"cannot list the interfaces: {done.stderr.strip()}")
    return [(link["ifname"], info["local"], int(info["prefixlen"]))
            for link in json.loads(done.stdout or "[]") for info in link.get("addr_info", [])
            if info.get("family") == "inet"]
