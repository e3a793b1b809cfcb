"""The SYN sweep finds exactly the listening ports, in a private network namespace of the test's own."""

import json
import os
import subprocess
import sys

import pytest

# Runs inside `unshare --net`: a namespace with nothing but its own loopback, made for this test.
SWEEP_IN_PRIVATE_NAMESPACE = """
import ipaddress, json, socket, subprocess
from harness.net.syn_sweep import SweepLimits, syn_sweep
from harness.scope import LabScope, OutOfScope, guard
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
listeners = []
for _ in range(3):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listeners.append(listener)
ss = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
listening = sorted({int(line.split()[3].rsplit(":", 1)[1]) for line in ss.splitlines() if line.strip()})
scope = LabScope([ipaddress.ip_network("127.0.0.0/8")])
ticks = []
with guard(scope):
    result = syn_sweep("127.0.0.1", range(1, 65536), scope, SweepLimits(deadline_s=30), ticks.append)
    try:
        syn_sweep("127.0.0.2", [80], LabScope([ipaddress.ip_network("198.18.0.0/24")]))
        refused = ""
    except OutOfScope as error:
        refused = str(error)
print(json.dumps({"open": result.open, "closed": result.closed, "unanswered": result.unanswered,
                  "listening": listening, "probes": result.probes, "sent": len(result.sent),
                  "received": len(result.received), "seconds": result.seconds, "refused": refused,
                  "last_tick": [ticks[-1].sent, ticks[-1].answered, ticks[-1].total] if ticks else None}))
"""


@pytest.fixture(scope="module")
def sweep() -> dict:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the SYN sweep test needs root (raw sockets, a private namespace); CI is set", pytrace=False)
        pytest.skip("the SYN sweep test needs root (raw sockets, a private namespace)")
    done = subprocess.run(["unshare", "--net", sys.executable, "-c", SWEEP_IN_PRIVATE_NAMESPACE],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_sweep_finds_exactly_what_ss_lists(sweep: dict) -> None:
    assert len(sweep["listening"]) == 3
    assert sweep["open"] == sweep["listening"]
    assert sweep["closed"] == 65535 - 3 and sweep["unanswered"] == []


def test_sweep_keeps_every_probe_and_answer_and_reports_progress(sweep: dict) -> None:
    assert sweep["probes"] == sweep["sent"] == 65535
    assert sweep["received"] == 65535
    assert sweep["last_tick"] == [65535, 65535, 65535]
    assert sweep["seconds"] < 10


def test_sweep_refuses_an_address_outside_the_scope(sweep: dict) -> None:
    assert "127.0.0.2 is outside the declared lab networks (198.18.0.0/24)" in sweep["refused"]
