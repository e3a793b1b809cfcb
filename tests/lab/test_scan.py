"""`tekigo scan` finds exactly the TCP ports each reference device's namespace listens on (`ss` inside it)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scapy.utils import RawPcapReader

from harness import lab
from harness.lab.devices import DEVICES
from harness.lab.namespaces import listening_ports
from harness.lab.readiness import wait_until_listening

from .conftest import run_in_tester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

SERVICE_NAMES = {22: "ssh", 23: "telnet", 80: "http"}
EXTRA_PORT = 47810  # an unannounced listener started in r1's namespace
# A vendor's diagnostic port speaking no protocol the scan knows; it serves for at most 60 s.
DIAGNOSTIC_PORT = f"""
import socket, time
server = socket.create_server(("", {EXTRA_PORT}))
server.settimeout(1.0)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        continue
    with connection:
        connection.sendall(b"TKG-DIAG 1.0 ready\\n")
"""


def scan(address: str, out: Path | None = None) -> tuple[int, dict]:
    done = run_in_tester([sys.executable, "-m", "harness.cli", "scan", address, "--network", "198.18.0.0/24",
                          "--json", *(["--out", str(out)] if out else [])])
    assert done.returncode in (0, 2), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_scan_finds_exactly_the_ports_ss_lists_and_names_them(lab_up: lab.LabStatus, name: str,
                                                              tmp_path: Path) -> None:
    device = DEVICES[name]
    status, surface = scan(device.host.address, tmp_path)
    assert status == 0 and surface["complete"]
    assert surface["open_tcp_ports"] == list(listening_ports(device.host.namespace)) == sorted(device.ports)
    assert {s["port"]: s["name"] for s in surface["tcp"]} == {port: SERVICE_NAMES[port] for port in device.ports}
    assert "mdns" in {s["name"] for s in surface["udp"]}
    assert ("upnp" in {s["name"] for s in surface["udp"]}) == device.upnp
    with RawPcapReader(str(tmp_path / "scan.pcap")) as pcap:
        records = sum(1 for _ in pcap)  # counted, not dissected: 131070 packets
    assert records == 2 * 65535  # every probe and its answer
    assert (tmp_path / "open-ports.txt").read_text().startswith(f"{device.host.address}: {len(device.ports)} open")


def test_scan_sees_a_listener_the_unit_does_not_announce(lab_up: lab.LabStatus) -> None:
    r1 = DEVICES["r1"]
    listener = subprocess.Popen(["ip", "netns", "exec", r1.host.namespace, sys.executable, "-c", DIAGNOSTIC_PORT])
    try:
        wait_until_listening([r1], 5.0)
        _, surface = scan(r1.host.address)
        assert EXTRA_PORT in listening_ports(r1.host.namespace)
        assert surface["open_tcp_ports"] == list(listening_ports(r1.host.namespace)) == [22, 80, EXTRA_PORT]
        diagnostic = next(service for service in surface["tcp"] if service["port"] == EXTRA_PORT)
        assert diagnostic["name"] == "unknown" and diagnostic["banner"] == "TKG-DIAG 1.0 ready\\n"
    finally:
        listener.kill()
        listener.wait(timeout=5)
