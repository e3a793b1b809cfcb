"""Item 1's surface checks against real daemons: net-snmp, mosquitto and miniupnpd on the gateways u1 and u2.

u1 runs them safely (read-only SNMP, a broker that needs a password, an IGD that denies every mapping),
u2 openly (a 'private' write community, anonymous MQTT, an IGD that maps ports for the LAN). Both also run
the SSH empty-password check and the update check: u2's admin has an empty password that dropbear -B lets
in by 'none' auth, and its web admin answers an update as installed without flashing it, so both FAIL
there and PASS on u1. The checks
run as `tekigo run` runs them: pytest with the unit's profile, in the tester namespace, as root.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import lab
from harness.lab.devices import IGD_PORT, MQTT_PORT, SURFACE_UNITS
from harness.lab.firmware.image import build_image
from harness.lab.images import UPDATE_VERSION, update_payload
from harness.lab.readiness import wait_until_listening
from harness.lab.vendor import vendor_signing_key

from ..conftest import REFERENCE_PROFILES, REPO

pytestmark = [pytest.mark.lab, pytest.mark.timeout(240)]

CHECKS = ["testcases/ter_34_10/test_2b_attack_surface.py", "testcases/ter_34_10/test_2c_network_services.py"]
SURFACE = "test_no_undeclared_management_interface"
SSH_CHECK = "testcases/ter_34_10/test_2_access_control.py::test_ssh_refuses_none_and_empty_password"
UPDATE_CHECK = "testcases/ter_34_10/test_4_update.py::test_update_installs_the_declared_version"
SSH, UPDATE = "test_ssh_refuses_none_and_empty_password[ssh:22]", "test_update_installs_the_declared_version"
SNMP, MQTT, UPNP = (f"{name}[{kind}]" for name, kind in (
    ("test_snmp_refuses_sets_with_common_communities", "snmp:161"),
    ("test_mqtt_refuses_anonymous_access_to_configuration", f"mqtt:{MQTT_PORT}"),
    ("test_upnp_igd_refuses_unauthenticated_port_mapping", f"upnp:{IGD_PORT}")))


@pytest.fixture(scope="module")
def gateways() -> Iterator[None]:
    """u1 and u2 alone on a fresh lab, held exclusively and taken down afterwards."""
    with lab.exclusive_lab():
        lab.up(list(SURFACE_UNITS))
        wait_until_listening(list(SURFACE_UNITS.values()))
        yield
        lab.down()


def gateway_profile(name: str, path: Path, declare_mqtt: bool = True) -> Path:
    """r1's profile moved to the gateway, with its SNMP agent, MQTT broker and IGD declared, and an update
    image signed by the lab vendor for the gateway's model."""
    profile: dict[str, Any] = yaml.safe_load((REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8"))
    unit = SURFACE_UNITS[name]
    image = path.with_suffix(".tkfw")
    image.write_bytes(build_image(unit.model, UPDATE_VERSION, update_payload(unit.model), vendor_signing_key()))
    profile["firmware"]["update"] |= {"image": str(image), "expected_version": UPDATE_VERSION}
    profile["unit"]["address"] = unit.host.address
    profile["equipment"]["model"] = unit.model
    profile["power"] |= {"namespace": unit.host.namespace, "boot": f"/var/lib/tekigo-lab/{name}/boot",
                         "console_log": f"/var/lib/tekigo-lab/{name}/console.log"}
    profile["interfaces"] += [{"kind": "upnp", "port": IGD_PORT}] + ([{
        "kind": "mqtt", "port": MQTT_PORT, "config_topics": [f"{unit.hostname}/config/ntp_server",
                                                             f"{unit.hostname}/config/admin"]}] if declare_mqtt else [])
    del profile["expected"]
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    return path


Verdicts = dict[str, tuple[str, str, list[str]]]


def read_verdicts(out: Path) -> Verdicts:
    """Each check's verdict, reason and findings from the run's results.json."""
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {test["nodeid"].rsplit("::", 1)[-1]: (test["verdict"], test["reason"],
                                                 [finding["text"] for finding in test.get("findings", [])])
            for requirement in record["requirements"] for test in requirement["tests"]}


@pytest.fixture(scope="module")
def runs(gateways: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The surface checks run at once against u1, u2, and u2 under a profile that omits its broker."""
    folder = tmp_path_factory.mktemp("surface")
    profiles = {"u1": gateway_profile("u1", folder / "u1.yaml"), "u2": gateway_profile("u2", folder / "u2.yaml"),
                "u2-undeclared": gateway_profile("u2", folder / "u2-undeclared.yaml", declare_mqtt=False)}
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO)]
    # Only the scan runs twice against u2: two write probes at once would restore each other's probe.
    # The SSH check goes first, before any check changes the factory password (and with it admin's SSH one).
    selection = {"u1": [SSH_CHECK, *CHECKS, UPDATE_CHECK], "u2": [SSH_CHECK, *CHECKS, UPDATE_CHECK],
                 "u2-undeclared": [*CHECKS, "-k", SURFACE]}
    running = {name: subprocess.Popen(lab.tester_command([*command, *selection[name], "--profile",
                                                          str(profile), "--out", str(folder / name)]),
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
                                      env=environment)
               for name, profile in profiles.items()}
    for name, process in running.items():
        output, _ = process.communicate(timeout=180)
        assert (folder / name / "results.json").is_file(), output[-3000:]
    return {name: folder / name for name in profiles}


def test_safe_gateway_passes_every_surface_check(runs: dict[str, Path]) -> None:
    got = read_verdicts(runs["u1"])
    assert {check: verdict for check, (verdict, _, _) in got.items()} == {
        SURFACE: "PASS", SNMP: "PASS", MQTT: "PASS", UPNP: "PASS", SSH: "PASS", UPDATE: "PASS"}, got
    exchanges = "".join(p.read_text() for p in (runs["u1"] / "evidence").rglob("exchanges.txt"))
    assert "CONNACK Not authorized" in exchanges and "<errorCode>606</errorCode>" in exchanges
    assert "community 'public': error-status noAccess (6)" in exchanges
    assert "community 'public' SET sysLocation: refused" in exchanges


def test_open_gateway_fails_snmp_mqtt_upnp_ssh_and_update(runs: dict[str, Path]) -> None:
    got = read_verdicts(runs["u2"])
    assert {check: verdict for check, (verdict, _, _) in got.items()} == {
        SURFACE: "PASS", SNMP: "FAIL", MQTT: "FAIL", UPNP: "FAIL", SSH: "FAIL", UPDATE: "FAIL"}, got
    assert "SSH lets 'admin' in without a password: 'none' authentication accepted" in got[SSH][1]
    assert "after the update the unit reports 1.0.0, expected 1.1.0" in got[UPDATE][1]
    assert "'private' set sysLocation" in got[SNMP][1]
    assert "read tkg-u2/config/ntp_server" in got[MQTT][1] and "publish to tkg-u2/config/admin" in got[MQTT][1]
    assert "AddPortMapping of external TCP" in got[UPNP][1]


def test_an_undeclared_broker_fails_the_surface_check_with_port_and_banner(runs: dict[str, Path]) -> None:
    verdict, reason, findings = read_verdicts(runs["u2-undeclared"])[SURFACE]
    assert verdict == "FAIL" and f"{MQTT_PORT}/tcp mqtt: CONNACK return code 0" in reason
    assert findings == [f"undeclared management interface {MQTT_PORT}/tcp mqtt: CONNACK return code 0"]
    evidence = runs["u2-undeclared"] / "evidence"
    assert [p.name for p in evidence.rglob("scan.pcap")] and list(evidence.rglob("open-ports.txt"))
