"""Waits until the devices' TCP ports accept connections, as seen from the tester namespace."""

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from harness.lab.devices import ReferenceDevice
from harness.lab.errors import LabError
from harness.lab.namespaces import tester_command
from harness.lab.topology import TESTER, Host, device_dir
from harness.power.netns import namespace_pids

# One pass over the ports, run by a bare interpreter inside the tester namespace.
PROBE = """
import json, socket, sys
closed = []
for address, port in json.loads(sys.argv[1]):
    try:
        socket.create_connection((address, port), timeout=0.3).close()
    except OSError:
        closed.append([address, port])
print(json.dumps(closed))
"""
CONSOLE_TAIL_LINES = 15


def closed_ports(targets: Sequence[tuple[str, int]], tester: Host = TESTER) -> list[tuple[str, int]]:
    """The (address, port) pairs that refuse a TCP connection from `tester`."""
    argv = tester_command([sys.executable, "-I", "-S", "-c", PROBE, json.dumps(list(targets))], tester)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except subprocess.TimeoutExpired as error:
        raise LabError("the port probe in the tester namespace did not finish in 10 s") from error
    if done.returncode != 0:
        raise LabError(f"the port probe in the tester namespace failed: {done.stderr.strip()}")
    return [(address, port) for address, port in json.loads(done.stdout)]


def console_tail(device: str, folder: Path | None = None) -> str:
    """The last lines of the device's console.log (in `folder`, by default the reference device's own)."""
    try:
        lines = ((folder or device_dir(device)) / "console.log").read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no console.log)"
    return "\n".join(lines[-CONSOLE_TAIL_LINES:]) or "(console.log is empty)"


def wait_until_listening(devices: Sequence[ReferenceDevice], deadline_s: float = 10.0) -> None:
    """Return once every port of every device accepts; LabError with the console's tail otherwise."""
    deadline = time.monotonic() + deadline_s
    wanted = [(device.host.address, port) for device in devices for port in device.ports]
    while closed := closed_ports(wanted):
        dead = [device for device in devices if not namespace_pids(device.host.namespace)]
        if dead or time.monotonic() > deadline:
            culprit = dead[0] if dead else next(d for d in devices if d.host.address == closed[0][0])
            why = "its boot script exited" if dead else f"ports {closed} still closed after {deadline_s} s"
            raise LabError(f"device {culprit.name} did not come up ({why}); console.log ends:\n"
                           f"{console_tail(culprit.name)}")
        time.sleep(0.05)
