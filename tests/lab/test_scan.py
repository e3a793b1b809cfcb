"""`tekigo scan` finds exactly the TCP ports each reference device's namespace listens on (`ss` inside it)."""

import json
import subprocess
import sys
import time
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
LATE_PORT = EXTRA_PORT + 1
COAP_PORT = 5683
# A vendor's diagnostic port speaking no protocol the scan knows; it serves for at most 60 s. Two services
# start late: its data port opens at its first visitor (the scan's first look), and its CoAP endpoint is
# bound but still starting, silent to the first request (as avahi is while it probes its names).
DIAGNOSTIC_PORT = f"""
import select, socket, time
coap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
coap.bind(("", {COAP_PORT}))
server = socket.create_server(("", {EXTRA_PORT}))
late, requests = [], 0
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    for ready in select.select([server, coap, *late], [], [], 1.0)[0]:
        if ready is coap:
            request, sender = coap.recvfrom(512)  # answered with a 2.05 acknowledgement of the request's id
            requests += 1
            if requests > 1:
                coap.sendto(bytes([0x60, 0x45, request[2], request[3], 0xFF]) + b"</diag>", sender)
            continue
        connection, _ = ready.accept()
        with connection:
            connection.sendall(b"TKG-DIAG 1.0 ready\\n")
        if not late:
            late = [socket.create_server(("", {LATE_PORT}))]
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
    assert len(surface["looks"]) >= 2 and surface["looks"][-1]["found"] == []  # looked again: steady
    assert surface["looks"][1]["tcp_ports"] == 65535 - len(device.ports)
    with RawPcapReader(str(tmp_path / "scan.pcap")) as pcap:
        records = sum(1 for _ in pcap)  # counted, not dissected: about 262000 packets
    assert records == 2 * sum(look["tcp_ports"] for look in surface["looks"])  # every probe and its answer
    assert (tmp_path / "open-ports.txt").read_text().startswith(f"{device.host.address}: {len(device.ports)} open")


def test_scan_sees_a_listener_the_unit_does_not_announce_and_services_that_start_late(
        lab_up: lab.LabStatus) -> None:
    r1 = DEVICES["r1"]
    listener = subprocess.Popen(["ip", "netns", "exec", r1.host.namespace, sys.executable, "-c", DIAGNOSTIC_PORT])
    try:
        wait_until_listening([r1], 5.0)
        deadline = time.monotonic() + 5.0  # seen with `ss`: a connection would wake the late services
        while EXTRA_PORT not in listening_ports(r1.host.namespace) and time.monotonic() < deadline:
            time.sleep(0.05)
        _, surface = scan(r1.host.address)
        assert surface["open_tcp_ports"] == list(listening_ports(r1.host.namespace)) == [22, 80, EXTRA_PORT, LATE_PORT]
        diagnostic = next(service for service in surface["tcp"] if service["port"] == EXTRA_PORT)
        assert diagnostic["name"] == "unknown" and diagnostic["banner"] == "TKG-DIAG 1.0 ready\\n"
        assert surface["looks"][0]["found"][:3] == ["22/tcp ssh", "80/tcp http", f"{EXTRA_PORT}/tcp unknown"]
        assert surface["looks"][1]["found"] == [f"{LATE_PORT}/tcp unknown", f"{COAP_PORT}/udp coap"]
        assert surface["looks"][2]["found"] == [] and surface["complete"]
        assert surface["looks"][2]["started_s"] - surface["looks"][1]["started_s"] >= 2.0
    finally:
        listener.kill()
        listener.wait(timeout=5)
