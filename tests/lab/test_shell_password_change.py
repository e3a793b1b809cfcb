"""Password change over a shell, against real daemons: Debian's `passwd` (PAM, shadow) behind dropbear and
behind busybox telnetd + login, on loopback in a mount namespace with a private copy of /etc.

No reference lab: the daemons are this module's own (about 3 s in all). The unit is an SSH-only (and a
telnet-only) unit as format 2 declares it, run through Device as the suite does.
"""

import ipaddress
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.lab.accounts import sha512_crypt
from harness.profile_loader import load_profile
from harness.scope import LabScope
from tests.unit.loopback_daemon import free_tcp_port, serving

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
ACCOUNT, UID = "gwadmin", 61990  # a uid the host does not use; it exists only in the private /etc
DEFAULT = "Gw-default-1"


@dataclass(frozen=True)
class ShellUnit:
    """The daemons' ports and the folder of their private /etc."""

    ssh_port: int
    telnet_port: int
    root: Path


@pytest.fixture
def shell_unit(tmp_path: Path) -> Iterator[ShellUnit]:
    """dropbear and busybox telnetd (with Debian's login) over a private /etc holding the unit's account."""
    for tool in ("dropbear", "dropbearkey", "busybox", "unshare", "passwd"):
        assert shutil.which(tool), f"{tool} is missing: scripts/install.sh installs it"
    etc = tmp_path / "etc"
    shutil.copytree("/etc", etc, symlinks=True)
    with (etc / "passwd").open("a") as passwd, (etc / "group").open("a") as group, \
            (etc / "shadow").open("a") as shadow:
        passwd.write(f"{ACCOUNT}:x:{UID}:{UID}:gateway admin:/tmp:/bin/sh\n")
        group.write(f"{ACCOUNT}:x:{UID}:\n")
        shadow.write(f"{ACCOUNT}:{sha512_crypt(DEFAULT)}:19000:0:99999:7:::\n")
    key = tmp_path / "host-key"
    subprocess.run(["dropbearkey", "-t", "ed25519", "-f", str(key)], capture_output=True, timeout=30, check=True)
    unit = ShellUnit(free_tcp_port(), free_tcp_port(), tmp_path)
    private = ["unshare", "-m", "--propagation", "private", "sh", "-c", f"mount --bind {etc} /etc && exec \"$@\"", "-"]
    with serving([*private, "dropbear", "-F", "-E", "-p", f"127.0.0.1:{unit.ssh_port}", "-r", str(key)],
                 unit.ssh_port, greeting=b"SSH-"), \
            serving([*private, "busybox", "telnetd", "-F", "-b", "127.0.0.1", "-p", str(unit.telnet_port),
                     "-l", "/bin/login"], unit.telnet_port):
        yield unit


def profile_text(unit: ShellUnit, kind: str, change: str) -> str:
    port = unit.ssh_port if kind == "ssh" else unit.telnet_port
    return f"""\
tekigo_profile: 2
equipment: {{name: Shell-only gateway, model: GW-1, manufacturer: Lab, serial: GW-1-1, firmware_version: 1.0.0}}
unit: {{address: 127.0.0.1, connect_timeout_s: 5}}
lab: {{networks: [127.0.0.0/8]}}
interfaces:
  - {{kind: {kind}, port: {port}}}
onboarding:
  model: preset_default
  default: {{username: {ACCOUNT}, password: {DEFAULT}}}
new_password: Gw-new-Pass-2
password_change: {change}
power: {{driver: manual}}
"""


def device_for(unit: ShellUnit, kind: str, change: str) -> Device:
    path = unit.root / f"{kind}.yaml"
    path.write_text(profile_text(unit, kind, change), encoding="utf-8")
    profile = load_profile(path)
    return Device(profile, LOOPBACK, Transcript("shell-password", Redactor(profile.secrets())))


def test_ssh_passwd_dialogue_changes_the_password_of_an_ssh_only_unit(shell_unit: ShellUnit) -> None:
    device = device_for(shell_unit, "ssh", f"{{over: ssh, port: {shell_unit.ssh_port}, dialogue: passwd}}")
    assert device.reachable(), "an SSH-only unit answers with its SSH- banner"
    interface = device.profile.login_interfaces()[0]
    device.ensure_password_changed()
    assert device.state.password_changed and device.state.password == "Gw-new-Pass-2"
    assert device.login("Gw-new-Pass-2", interface).accepted
    assert not device.login(DEFAULT, interface).accepted
    text = device.transcript.text()
    assert "Retype new password" in text and "passwd: password updated successfully" in text
    assert "Gw-new-Pass-2" not in text and DEFAULT not in text, "the passwords are redacted from the evidence"


def test_ssh_command_with_shell_quoted_values(shell_unit: ShellUnit) -> None:
    command = "printf '%s\\n%s\\n%s\\n' {current_password} {new_password} {new_password} | passwd"
    device = device_for(shell_unit, "ssh", f'{{over: ssh, command: "{command}", success: "updated successfully"}}')
    hostile = "it's; $(true) `x` \"q\""  # quoted for the shell: passwd receives it byte for byte
    answer = device.change_password(hostile)
    assert answer.accepted and device.state.password == hostile
    assert device.login(hostile, device.profile.login_interfaces()[0]).accepted


def test_a_refused_shell_change_leaves_the_state_alone(shell_unit: ShellUnit) -> None:
    device = device_for(shell_unit, "ssh", "{over: ssh, dialogue: passwd}")
    answer = device.change_password("short")  # pam_unix refuses it: passwd asks again, then gives up
    assert not answer.accepted and answer.exit_status not in (None, 0)
    assert device.state.password == DEFAULT and not device.state.password_changed


def test_telnet_passwd_dialogue_then_exit_status(shell_unit: ShellUnit) -> None:
    device = device_for(shell_unit, "telnet", "{over: telnet, dialogue: passwd}")
    assert device.reachable(), "a telnet-only unit answers with its first bytes"
    device.ensure_password_changed()
    interface = device.profile.login_interfaces()[0]
    assert device.login("Gw-new-Pass-2", interface).accepted
    assert not device.login(DEFAULT, interface).accepted
    assert "tekigo-exit-0" in device.transcript.text()


