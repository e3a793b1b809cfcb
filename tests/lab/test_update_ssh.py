"""Item 3's update by SSH command on the gateways u1 and u2: the image copied over SFTP, then `fw_update`.

Both hand the image to a root update agent over a socket only the admin group may open. u1's agent
verifies it with the web admin's own update logic and flashes it; u2's answers "installed" and flashes
nothing. The checks run as `tekigo run` runs them: pytest with the unit's profile, in the tester namespace.
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
from harness.lab.devices import SURFACE_UNITS
from harness.lab.firmware.image import build_image
from harness.lab.images import UPDATE_VERSION, update_payload
from harness.lab.readiness import wait_until_listening
from harness.lab.topology import device_dir
from harness.lab.vendor import vendor_signing_key

from ..conftest import REFERENCE_PROFILES, REPO
from .conftest import InTester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]

CHECKS = ["testcases/ter_34_10/test_4_update.py", "testcases/ter_34_10/test_4b_update_integrity.py"]
UPDATE, FLIPPED, UNSIGNED, OLDER = ("test_update_installs_the_declared_version",
                                    "test_image_with_one_byte_flipped_is_refused", "test_unsigned_image_is_refused",
                                    "test_older_image_is_refused_when_rollback_protection_is_claimed")
FW_UPDATE = "/usr/local/sbin/fw_update"


def ssh_update_profile(name: str, folder: Path) -> Path:
    """r1's profile moved to the gateway, declaring its update by SSH command, with an image the lab vendor
    signed for the gateway's model."""
    profile: dict[str, Any] = yaml.safe_load((REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8"))
    unit = SURFACE_UNITS[name]
    image = folder / f"{name}.tkfw"
    image.write_bytes(build_image(unit.model, UPDATE_VERSION, update_payload(unit.model), vendor_signing_key()))
    profile["firmware"]["update"] = {"method": "ssh_command", "path": "/run/tmp", "command": f"{FW_UPDATE} {{image}}",
                                     "image": str(image), "expected_version": UPDATE_VERSION, "settle_s": 2}
    profile["unit"]["address"] = unit.host.address
    profile["equipment"]["model"] = unit.model
    profile["power"] |= {"namespace": unit.host.namespace, "boot": str(device_dir(name) / "boot"),
                         "console_log": str(device_dir(name) / "console.log")}
    del profile["expected"]
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, in_tester: InTester) -> Iterator[dict[str, Any]]:
    """The update checks run at once on u1 and u2 in a fresh lab; then what u1's admin may do, and the flash."""
    folder = tmp_path_factory.mktemp("ssh-update")
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO), *CHECKS]
    with lab.exclusive_lab():
        lab.up(list(SURFACE_UNITS))
        try:
            wait_until_listening(list(SURFACE_UNITS.values()))
            profiles = {name: ssh_update_profile(name, folder) for name in SURFACE_UNITS}
            running = {name: subprocess.Popen(lab.tester_command([*command, "--profile", str(profile),
                                                                   "--out", str(folder / name)]),
                                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                              cwd=REPO, env=environment)
                       for name, profile in profiles.items()}
            for name, process in running.items():
                output, _ = process.communicate(timeout=150)
                assert (folder / name / "results.json").is_file(), output[-3000:]
            new_password = yaml.safe_load(profiles["u1"].read_text(encoding="utf-8"))["new_password"]
            admin = in_tester("result = ssh_run(params['address'], 'admin', params['password'], params['command'])",
                              address=SURFACE_UNITS["u1"].host.address, password=new_password,
                              command=f"id -un; stat -c '%a %U:%G' /run/fw_update.sock; "
                                      f"touch {device_dir('u1') / 'flash' / 'probe'} 2>&1")
            flash = {name: (device_dir(name) / "flash" / "firmware.json") for name in SURFACE_UNITS}
            flashed = {name: json.loads(path.read_text()) if path.exists() else None for name, path in flash.items()}
        finally:
            lab.down()
    yield {"out": folder, "admin": admin, "flashed": flashed}


def verdicts(out: Path) -> dict[str, tuple[str, str]]:
    record = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {test["nodeid"].rsplit("::", 1)[-1]: (test["verdict"], test["reason"])
            for requirement in record["requirements"] for test in requirement["tests"]}


def exchanges(out: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted((out / "evidence").rglob("exchanges.txt")))


def test_u1_installs_a_signed_image_by_ssh_command_and_refuses_tampered_ones(runs: dict[str, Any]) -> None:
    out = runs["out"] / "u1"
    got = {check: verdict for check, (verdict, _) in verdicts(out).items()}
    assert got == {UPDATE: "PASS", FLIPPED: "PASS", UNSIGNED: "PASS", OLDER: "NOT_APPLICABLE"}, verdicts(out)
    seen = exchanges(out)
    assert "sftp put /run/tmp/u1.tkfw" in seen and f"exec {FW_UPDATE} /run/tmp/u1.tkfw" in seen
    assert f"installed {UPDATE_VERSION}" in seen and "install command exit status 0" in seen
    assert seen.count("< refused: image signature is not valid") == 2, seen  # the flipped and the unsigned image
    assert runs["flashed"]["u1"]["version"] == UPDATE_VERSION


def test_u2_answers_the_ssh_command_as_installed_but_keeps_its_version(runs: dict[str, Any]) -> None:
    verdict, reason = verdicts(runs["out"] / "u2")[UPDATE]
    assert verdict == "FAIL" and f"after the update the unit reports 1.0.0, expected {UPDATE_VERSION}" in reason
    assert f"installed {UPDATE_VERSION}" in exchanges(runs["out"] / "u2")
    assert runs["flashed"]["u2"] is None


def test_the_admin_account_installs_through_the_agent_without_root(runs: dict[str, Any]) -> None:
    lines = runs["admin"].splitlines()
    assert lines[:2] == ["admin", "660 root:admin"], runs["admin"]
    assert "Permission denied" in lines[2], runs["admin"]
