"""The lab scope guard: nothing leaves the harness for an address outside the declared lab networks.

Two layers. `LabScope.check` is called by every transport before it connects, and refuses an
address outside the declared networks or (by default) one reached through a gateway rather than a
directly connected lab network. `guard` additionally installs a process-wide audit hook on socket
connect/sendto, so a library that opens its own sockets cannot slip past the first layer.
"""

import ipaddress
import json
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OutOfScope(Exception):
    """An attempt to reach an address the run did not declare; nothing was sent."""


@dataclass
class LabScope:
    """The networks a run may reach, and whether routed (non-directly-connected) targets are allowed."""

    networks: Sequence[Network]
    allow_routed: bool = False
    _routes_checked: dict[Address, str | None] = field(default_factory=dict, repr=False)

    def check(self, host: str | Address) -> Address:
        """Return the address if the run may send to it; raise OutOfScope (nothing sent) if not."""
        try:
            address = ipaddress.ip_address(host)
        except ValueError as error:
            raise OutOfScope(f"{host!r} is not an IP address; profiles name units by address") from error
        if not any(address in network for network in self.networks):
            declared = ", ".join(str(network) for network in self.networks)
            raise OutOfScope(f"{address} is outside the declared lab networks ({declared})")
        if not self.allow_routed:
            gateway = self._gateway_towards(address)
            if gateway:
                raise OutOfScope(
                    f"{address} would be reached through gateway {gateway}, not a directly connected lab "
                    "network; run inside the lab's tester namespace (e.g. `tekigo run --netns "
                    "tekigo-tester`) or set lab.allow_routed in the profile"
                )
        return address

    def _gateway_towards(self, address: Address) -> str | None:
        if address not in self._routes_checked:
            self._routes_checked[address] = route_gateway(address)
        return self._routes_checked[address]


def route_gateway(address: Address) -> str | None:
    """The gateway the kernel would use towards `address`, or None when it is directly connected.

    No route at all (a tester namespace without a default route) is not a gateway: the connect then
    fails closed with 'network unreachable'.
    """
    done = subprocess.run(
        ["ip", "-j", "route", "get", str(address)], capture_output=True, text=True, timeout=5, check=False
    )
    if done.returncode != 0:
        return None
    routes: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    for route in routes:
        if route.get("gateway"):
            return str(route["gateway"])
    return None


_active: list[LabScope] = []
_hook_lock = threading.Lock()
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _active or event not in ("socket.connect", "socket.sendto"):
        return
    destination = args[1]
    if not isinstance(destination, tuple) or not destination or not isinstance(destination[0], str):
        return  # Unix sockets and the like carry no network address
    host = destination[0].split("%", 1)[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: the connect that resolves it will be checked with its address
    _active[-1].check(host)


@contextmanager
def guard(scope: LabScope) -> Iterator[LabScope]:
    """Enforce `scope` on every socket the process opens while the block runs."""
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True
        _active.append(scope)
    try:
        yield scope
    finally:
        _active.remove(scope)
