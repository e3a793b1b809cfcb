"""ARP sweep of the lab LAN (scapy): which addresses have a unit behind them, and its MAC address."""

from dataclasses import dataclass

from scapy.layers.l2 import ARP, Ether
from scapy.sendrecv import srp

from harness.net.lan import LabLan

BROADCAST = "ff:ff:ff:ff:ff:ff"


@dataclass(frozen=True)
class ArpReply:
    """An address that answered, and the hardware address it answered from."""

    address: str
    mac: str


def arp_sweep(lan: LabLan, wait_s: float = 1.0) -> list[ArpReply]:
    """One who-has for every host address of the LAN but ours; the answers, by address."""
    targets = [str(host) for host in lan.network.hosts() if str(host) != lan.address]
    if not targets:
        return []
    requests = Ether(dst=BROADCAST) / ARP(op="who-has", psrc=lan.address, pdst=targets)
    answered, _ = srp(requests, iface=lan.interface, timeout=wait_s, verbose=False)
    replies = {reply[ARP].psrc: reply[ARP].hwsrc for _, reply in answered if reply[ARP].psrc in targets}
    return [ArpReply(address, replies[address]) for address in sorted(replies, key=_numeric)]


def _numeric(address: str) -> tuple[int, ...]:
    return tuple(int(part) for part in address.split("."))
