"""The SNMP PDU driver against a real net-snmp snmpd in the lab's tester namespace.

snmpd serves the APC outlet control object through a pass_persist script (apc_outlets.py); the
driver and net-snmp's own snmpget run in the same namespace, over its loopback.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import lab

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

PORT = 16161
COMMUNITY = "tekigo-pdu-write"
OUTLET_OID = "1.3.6.1.4.1.318.1.1.4.4.2.1.3"


@pytest.fixture(scope="module")
def pdu(lab_up: lab.LabStatus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """snmpd running in the tester namespace; yields the outlets' state file."""
    folder = tmp_path_factory.mktemp("pdu")
    state = folder / "outlets.json"
    script = Path(__file__).with_name("apc_outlets.py")
    (folder / "snmpd.conf").write_text(
        f"agentAddress udp:127.0.0.1:{PORT}\n"
        f"rwcommunity {COMMUNITY} 127.0.0.1\n"
        f"pass_persist .{OUTLET_OID} {sys.executable} {script} {state}\n"
    )
    snmpd = subprocess.Popen(
        lab.tester_command(["snmpd", "-f", "-C", "-c", str(folder / "snmpd.conf"), "-Lf", str(folder / "snmpd.log"),
                            "-p", str(folder / "snmpd.pid")]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "SNMP_PERSISTENT_DIR": str(folder)},
    )
    try:
        deadline = time.monotonic() + 10
        while snmpget() is None:
            assert snmpd.poll() is None and time.monotonic() < deadline, (folder / "snmpd.log").read_text()
            time.sleep(0.1)
        yield state
    finally:
        snmpd.kill()
        snmpd.wait(timeout=10)


def snmpget(outlet: int = 1) -> int | None:
    """The outlet's state as net-snmp's snmpget reads it, None while the agent does not answer."""
    done = subprocess.run(
        lab.tester_command(["snmpget", "-v2c", "-c", COMMUNITY, "-Oqv", "-t", "1", "-r", "0",
                            f"127.0.0.1:{PORT}", f"{OUTLET_OID}.{outlet}"]),
        capture_output=True, text=True, timeout=10, check=False,
    )
    return int(done.stdout) if done.returncode == 0 and done.stdout.strip().isdigit() else None


def switch(in_tester, action: str, community: str = COMMUNITY) -> str:  # type: ignore[no-untyped-def]
    return in_tester(
        """
from harness.power.snmp_pdu import ApcOutlet
from harness.power.protocol import PowerError
outlet = ApcOutlet("127.0.0.1", 3, params["community"], port=params["port"], timeout_s=0.5)
try:
    getattr(outlet, params["action"])()
    result = "done"
except PowerError as error:
    result = f"PowerError: {error}"
""", action=action, community=community, port=PORT)


def test_off_and_on_switch_only_the_declared_outlet(pdu: Path, in_tester) -> None:
    assert switch(in_tester, "off") == "done"
    outlets = json.loads(pdu.read_text())
    assert outlets["3"] == 2 and all(outlets[str(n)] == 1 for n in (1, 2, 4, 5, 6, 7, 8))
    assert snmpget(3) == 2
    assert switch(in_tester, "on") == "done"
    assert json.loads(pdu.read_text())["3"] == 1
    assert snmpget(3) == 1


def test_a_wrong_write_community_is_a_power_error(pdu: Path, in_tester) -> None:
    before = pdu.read_text()
    assert switch(in_tester, "off", community="public").startswith("PowerError: PDU 127.0.0.1 outlet 3")
    assert pdu.read_text() == before
