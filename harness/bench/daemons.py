"""labgrid's own daemons started for a lab of benches: the coordinator, one exporter per bench PC, the places.

Each daemon is a real `labgrid-coordinator` / `labgrid-exporter` process (optionally inside a network namespace,
standing for a bench PC); places are created with `labgrid-client`, as a lab's administrator does once.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

START_TIMEOUT_S = 20.0
CLIENT_TIMEOUT_S = 20.0


class BenchDaemonError(Exception):
    """A labgrid daemon did not start, or a place could not be set up; the message has its output."""


def labgrid_command(name: str) -> str:
    """The path of a labgrid console script installed beside this interpreter."""
    return str(Path(sys.executable).with_name(name))


def in_namespace(netns: str | None, command: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", netns, *command] if netns else list(command)


@dataclass
class Daemon:
    """A started daemon: its process (own session, so that its whole group can be stopped) and log."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 5.0) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout_s)

    def kill(self) -> None:
        """The bench PC dies: SIGKILL, no goodbye to the coordinator."""
        self.stop(signal.SIGKILL)


def start_daemon(name: str, command: list[str], workdir: Path) -> Daemon:
    """`command` in a session of its own, its output in `workdir`/NAME.log."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{name}.log"
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   start_new_session=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    return Daemon(name, process, log)


def start_coordinator(listen: str, workdir: Path, netns: str | None = None) -> Daemon:
    """`labgrid-coordinator --listen HOST:PORT`, its places.yaml in `workdir`; returns once it accepts clients."""
    daemon = start_daemon("coordinator", in_namespace(netns, [labgrid_command("labgrid-coordinator"), "-l", listen]),
                    workdir)
    deadline = time.monotonic() + START_TIMEOUT_S
    while client(listen, ["places"], netns, check=False).returncode != 0:
        if daemon.process.poll() is not None or time.monotonic() > deadline:
            daemon.stop()
            raise BenchDaemonError(f"labgrid coordinator did not start: {daemon.log.read_text()[-2000:]}")
        time.sleep(0.2)
    return daemon


def start_exporter(name: str, coordinator: str, resources: dict[str, object], hostname: str, workdir: Path,
                   netns: str | None = None) -> Daemon:
    """`labgrid-exporter` publishing `resources` (labgrid's exporter YAML as a dict) as exporter `name`; returns
    once the coordinator lists its resources."""
    config = workdir / f"{name}.yaml"
    workdir.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(resources), encoding="utf-8")
    command = [labgrid_command("labgrid-exporter"), "-c", coordinator, "-n", name, "--hostname", hostname, str(config)]
    daemon = start_daemon(name, in_namespace(netns, command), workdir)
    deadline = time.monotonic() + START_TIMEOUT_S
    while f"{name}/" not in client(coordinator, ["resources"], netns, check=False).stdout:
        if daemon.process.poll() is not None or time.monotonic() > deadline:
            daemon.stop()
            raise BenchDaemonError(f"labgrid exporter {name} did not register: {daemon.log.read_text()[-2000:]}")
        time.sleep(0.2)
    return daemon


def create_place(coordinator: str, place: str, matches: Sequence[str], netns: str | None = None) -> None:
    """A place at the coordinator whose resources are those matching `matches` (exporter/group/class patterns)."""
    client(coordinator, ["-p", place, "create"], netns)
    for match in matches:
        client(coordinator, ["-p", place, "add-match", match], netns)


def client(coordinator: str, arguments: Sequence[str], netns: str | None = None, check: bool = True,
           environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`labgrid-client -x COORDINATOR ARGUMENTS`, bounded in time."""
    command = in_namespace(netns, [labgrid_command("labgrid-client"), "-x", coordinator, *arguments])
    done = subprocess.run(command, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S, check=False,
                          env=os.environ | (environment or {}))
    if check and done.returncode != 0:
        raise BenchDaemonError(f"labgrid-client {' '.join(arguments)}: {(done.stderr or done.stdout).strip()}")
    return done
