"""The lab's network namespaces: a bridge namespace, the tester and one namespace per device."""

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.lab.errors import LabError
from harness.lab.topology import (
    BRIDGE,
    BRIDGE_NAMESPACE,
    INTERFACE,
    NAMESPACE_PREFIX,
    PREFIX_LENGTH,
    TESTER,
    Host,
)
from harness.power.netns import NetnsPower
from harness.power.protocol import PowerError

COMMAND_TIMEOUT_S = 10.0


def run(argv: Sequence[str]) -> str:
    """Run a command of the lab's plumbing; its failure is a LabError with the command's own words."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise LabError(f"`{' '.join(argv)}` did not finish in {COMMAND_TIMEOUT_S} s") from error
    if done.returncode != 0:
        raise LabError(f"`{' '.join(argv)}` failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def tester_command(argv: Sequence[str]) -> list[str]:
    """`argv` run inside the tester namespace: the only place lab traffic may start from."""
    return ["ip", "netns", "exec", TESTER.namespace, *argv]


def lab_namespaces() -> list[str]:
    """Every namespace named like ours (tekigo-*), whoever left it."""
    names = (line.split()[0] for line in run(["ip", "netns", "list"]).splitlines() if line.strip())
    return sorted(name for name in names if name.startswith(NAMESPACE_PREFIX))


def kill_processes(namespace: str) -> None:
    """SIGKILL everything in the namespace, as a device's power switch does; a vanished namespace is empty."""
    try:
        NetnsPower(namespace, boot=Path(os.devnull)).off()
    except PowerError as error:
        if namespace in lab_namespaces():
            raise LabError(f"could not empty namespace {namespace}: {error}") from error


def delete_namespace(namespace: str) -> None:
    """Delete the namespace; one that vanished meanwhile (another `lab down`) counts as deleted."""
    try:
        run(["ip", "netns", "delete", namespace])
    except LabError:
        if namespace in lab_namespaces():
            raise


def create_lan(hosts: Sequence[Host]) -> None:
    """The bridge (multicast snooping off, so mDNS and SSDP cross it) and each host on it via a veth."""
    run(["ip", "netns", "add", BRIDGE_NAMESPACE])
    run(["ip", "-n", BRIDGE_NAMESPACE, "link", "set", "lo", "up"])
    run(["ip", "-n", BRIDGE_NAMESPACE, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0"])
    run(["ip", "-n", BRIDGE_NAMESPACE, "link", "set", BRIDGE, "up"])
    for host in (TESTER, *hosts):
        attach(host)


def attach(host: Host) -> None:
    """A namespace for `host` with its address on eth0 and no default route."""
    ns = host.namespace
    run(["ip", "netns", "add", ns])
    run(["ip", "-n", BRIDGE_NAMESPACE, "link", "add", host.bridge_port, "type", "veth",
         "peer", "name", INTERFACE, "netns", ns])
    run(["ip", "-n", BRIDGE_NAMESPACE, "link", "set", host.bridge_port, "master", BRIDGE, "up"])
    run(["ip", "-n", ns, "addr", "add", f"{host.address}/{PREFIX_LENGTH}", "dev", INTERFACE])
    run(["ip", "-n", ns, "link", "set", INTERFACE, "up"])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])


def listening_ports(namespace: str) -> tuple[int, ...]:
    """TCP ports listening in the namespace, from `ss` run inside it."""
    lines = run(["ip", "netns", "exec", namespace, "ss", "-ltnH"]).splitlines()
    return tuple(sorted({int(line.split()[3].rsplit(":", 1)[1]) for line in lines if line.strip()}))
