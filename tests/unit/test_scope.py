"""The lab scope guard: out-of-scope destinations are refused before anything is sent.

Destinations here are loopback addresses outside the declared scope, so a broken guard sends nothing
off this machine.
"""

import ipaddress
import socket

import pytest

from harness.scope import LabScope, OutOfScope, guard

LAB = [ipaddress.ip_network("198.18.0.0/24")]


def test_address_outside_the_declared_networks_is_refused() -> None:
    with pytest.raises(OutOfScope, match="outside the declared lab networks"):
        LabScope(LAB).check("127.0.0.2")


def test_names_are_refused_rather_than_resolved() -> None:
    with pytest.raises(OutOfScope, match="not an IP address"):
        LabScope(LAB).check("localhost")


def test_routed_destination_is_refused_unless_allowed() -> None:
    # In the root namespace the lab range is routed through the default gateway (or not at all).
    scope = LabScope(LAB)
    gateway = scope._gateway_towards(ipaddress.ip_address("198.18.0.11"))
    if gateway is None:
        pytest.skip("this namespace has no route to 198.18.0.0/24 at all")
    with pytest.raises(OutOfScope, match="through gateway"):
        scope.check("198.18.0.11")
    assert str(LabScope(LAB, allow_routed=True).check("198.18.0.11")) == "198.18.0.11"


def test_loopback_in_scope_is_directly_reachable() -> None:
    scope = LabScope([ipaddress.ip_network("127.0.0.0/8")])
    assert str(scope.check("127.0.0.2")) == "127.0.0.2"


def test_guard_blocks_raw_sockets_that_bypass_the_transports() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        with guard(LabScope(LAB)), pytest.raises(OutOfScope):
            socket.create_connection(("127.0.0.2", port), timeout=1)
        listener.settimeout(0.2)
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing arrived: the connect was stopped before it was made
        with guard(LabScope(LAB)), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
                pytest.raises(OutOfScope):
            udp.sendto(b"x", ("127.0.0.2", port))
    finally:
        listener.close()


def test_guard_is_lifted_after_the_block() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.2", 0))
        listener.listen(1)
        listener.settimeout(1.0)
        with guard(LabScope(LAB)), pytest.raises(OutOfScope):
            socket.create_connection(listener.getsockname(), timeout=1)
        with socket.create_connection(listener.getsockname(), timeout=1):
            accepted, _ = listener.accept()  # the same connect, after the block, arrives
            accepted.close()
