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


def tester_command(argv: Sequence[str], tester: Host = TESTER) -> list[str]:
    """`argv` run inside the tester namespace: the only place lab traffic may start from."""
    return ["ip", "netns", "exec", tester.namespace, *argv]


def lab_namespaces(prefix: str = NAMESPACE_PREFIX) -> list[str]:
    """Every namespace named like ours (tekigo-*, or the zoo's `prefix`), whoever left it."""
    names = (line.split()[0] for line in run(["ip", "netns", "list"]).splitlines() if line.strip())
    return sorted(name for name in names if name.startswith(prefix))


def kill_processes(namespace: str) -> None:
    """SIGKILL everything in the namespace, as a device's power switch does; a vanished namespace is empty."""
    try:
        NetnsPower(namespace, boot=Path(os.devnull)).off()
    except PowerError as error:
        if namespace in lab_namespaces(""):
            raise LabError(f"could not empty namespace {namespace}: {error}") from error


def delete_namespace(namespace: str) -> None:
    """Delete the namespace; one that vanished meanwhile (another `lab down`) counts as deleted."""
    try:
        run(["ip", "netns", "delete", namespace])
    except LabError:
        if namespace in lab_namespaces(""):
            raise


def clear_namespaces(prefix: str = NAMESPACE_PREFIX) -> None:
    """Empty and delete every namespace named `prefix`* (the reference lab's, or the zoo's), no other."""
    namespaces = lab_namespaces(prefix)
    for namespace in namespaces:
        kill_processes(namespace)
    for namespace in namespaces:
        delete_namespace(namespace)


def chosen_units(names: Sequence[str] | None, known: Sequence[str], lab: str) -> list[str]:
    """`names` (all of `known` when None) without repeats; LabError for an unknown name or none at all."""
    chosen = list(known) if names is None else list(dict.fromkeys(names))
    unknown = sorted(set(chosen) - set(known))
    if unknown or not chosen:
        raise LabError(f"unknown devices {unknown or 'none chosen'}; the {lab} has {', '.join(known)}")
    return chosen


def create_lan(hosts: Sequence[Host], bridge_namespace: str = BRIDGE_NAMESPACE, tester: Host = TESTER) -> None:
    """The bridge (multicast snooping off, so mDNS and SSDP cross it) and each host on it via a veth."""
    run(["ip", "netns", "add", bridge_namespace])
    run(["ip", "-n", bridge_namespace, "link", "set", "lo", "up"])
    run(["ip", "-n", bridge_namespace, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0"])
    run(["ip", "-n", bridge_namespace, "link", "set", BRIDGE, "up"])
    for host in (tester, *hosts):
        attach(host, bridge_namespace)


def attach(host: Host, bridge_namespace: str = BRIDGE_NAMESPACE) -> None:
    """A namespace for `host` with its address on eth0 and no default route."""
    ns = host.namespace
    run(["ip", "netns", "add", ns])
    run(["ip", "-n", bridge_namespace, "link", "add", host.bridge_port, "type", "veth",
         "peer", "name", INTERFACE, "netns", ns])
    run(["ip", "-n", bridge_namespace, "link", "set", host.bridge_port, "master", BRIDGE, "up"])
    run(["ip", "-n", ns, "addr", "add", f"{host.address}/{PREFIX_LENGTH}", "dev", INTERFACE])
    run(["ip", "-n", ns, "link", "set", INTERFACE, "up"])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])


def listening_ports(namespace: str) -> tuple[int, ...]:
    """TCP ports listening in the namespace, from `ss` run inside it."""
    lines = run(["ip", "netns", "exec", namespace, "ss", "-ltnH"]).splitlines()
    return tuple(sorted({int(line.split()[3].rsplit(":", 1)[1]) for line in lines if line.strip()}))
