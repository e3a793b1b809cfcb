"""Power for a unit booted in QEMU: off is SIGKILL of QEMU (a real power cut), on boots it again.

The machine is described by a JSON file (`QemuMachine`): the reference lab writes one per unit, a
manufacturer writes one for their own firmware. Boot is detected on the serial console (pyserial on
QEMU's pty) by the firmware's boot line; the service coming back is for the caller to check.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.console import ConsoleError, SerialConsole
from harness.power.protocol import PowerError

START_TIMEOUT_S = 30.0
MAX_CONSOLE_EVIDENCE = 256 * 1024
POWER_ON_NOTE = "power on ("
KILL_DEADLINE_S = 5.0
PTY_LINE = re.compile(r"char device redirected to (/dev/pts/\d+) \(label console\)")
NAME_PREFIX = "tekigo-"


class MachineError(Exception):
    """QEMU could not be started or stopped."""


@dataclass(frozen=True)
class QemuMachine:
    """How to start a machine: QEMU's argv without the options this module adds itself.

    Added here: `-name` (how our processes are recognised), `-accel`, `-daemonize`, `-pidfile` and a
    pty serial console logged to `console_log` (appended across power cycles).
    """

    name: str
    argv: list[str]
    accel: str
    pidfile: Path
    console_log: Path
    boot_line: str
    namespace: str | None = None

    @classmethod
    def load(cls, path: Path) -> "QemuMachine":
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{**values, "pidfile": Path(values["pidfile"]), "console_log": Path(values["console_log"])})
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise MachineError(f"cannot read the machine description {path}: {error}") from error

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")

    def command(self) -> list[str]:
        prefix = ["ip", "netns", "exec", self.namespace] if self.namespace else []
        return [*prefix, *self.argv, "-name", f"{self.name},process={self.name}", "-accel", self.accel,
                "-daemonize", "-pidfile", str(self.pidfile),
                "-chardev", f"pty,id=console,logfile={self.console_log},logappend=on", "-serial", "chardev:console"]

    def note(self, text: str) -> None:
        """A line of ours in the console log, between the unit's own output (power cuts, power on)."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.console_log.open("a", encoding="utf-8") as log:
            log.write(f"\n=== tekigo {stamp}: {text} ===\n")

    def start(self) -> str:
        """Start QEMU in the background; the path of its console's pty."""
        if self.pid() is not None:
            raise MachineError(f"{self.name} is already running (pid {self.pid()})")
        self.note(f"power on ({self.accel})")
        try:
            done = subprocess.run(self.command(), capture_output=True, text=True, timeout=START_TIMEOUT_S,
                                  check=False)
        except subprocess.TimeoutExpired as error:
            raise MachineError(f"QEMU for {self.name} did not start in {START_TIMEOUT_S} s") from error
        output = done.stdout + done.stderr
        pty = PTY_LINE.search(output)
        if done.returncode != 0 or pty is None or self.pid() is None:
            raise MachineError(f"QEMU for {self.name} failed to start ({done.returncode}): {output.strip()[-800:]}")
        return pty.group(1)

    def pid(self) -> int | None:
        """The running QEMU of this machine, checked against its command line (pid files go stale)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if alive(pid) and self.name in qemu_names(pid) else None

    def kill(self) -> float:
        """SIGKILL, no shutdown: a power cut. Returns once the process is gone; the seconds it took."""
        started = time.monotonic()
        pid = self.pid()
        if pid is None:
            raise MachineError(f"{self.name} is not running: nothing to power off")
        kill_and_wait(pid)
        self.pidfile.unlink(missing_ok=True)
        self.note("power cut (SIGKILL of QEMU)")
        return time.monotonic() - started


def qemu_names(pid: int) -> list[str]:
    """The `-name` values of process `pid` if it is a QEMU; empty otherwise."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []
    if not argv or not os.path.basename(argv[0]).startswith(b"qemu-system"):
        return []
    return [argv[i + 1].decode(errors="replace").split(",")[0] for i, arg in enumerate(argv[:-1]) if arg == b"-name"]


def kill_and_wait(pid: int, deadline_s: float = KILL_DEADLINE_S) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + deadline_s
    while alive(pid):
        if time.monotonic() > deadline:
            raise MachineError(f"QEMU pid {pid} survived SIGKILL for {deadline_s} s")
        time.sleep(0.005)


def alive(pid: int) -> bool:
    """Is the process there and not a zombie (a killed daemon waits for init to reap it)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def our_qemu_pids() -> list[int]:
    """Every QEMU process started with a `-name tekigo-...`: the lab's, whoever left them."""
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if alive(pid) and any(name.startswith(NAME_PREFIX) for name in qemu_names(pid))]


@dataclass(frozen=True)
class QemuPower:
    """Switches the QEMU machine described by the JSON file `machine` (see QemuMachine)."""

    machine: Path
    boot_timeout_s: float = 60.0

    def _machine(self) -> QemuMachine:
        try:
            return QemuMachine.load(self.machine)
        except MachineError as error:
            raise PowerError(str(error)) from error

    def console_of_last_boots(self, boots: int = 2) -> str:
        """The console log from the start of the last `boots` power-ons to now (bounded, its tail kept):
        with 2 after a power cycle, the boot before the cut, the cut, and the boot after it."""
        log = self._machine().console_log
        try:
            text = log.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise PowerError(f"cannot read the console log {log}: {error}") from error
        start = len(text)
        for _ in range(boots):
            found = text.rfind(POWER_ON_NOTE, 0, start)
            if found < 0:
                break
            start = text.rfind("\n===", 0, found) + 1
        return text[max(start, len(text) - MAX_CONSOLE_EVIDENCE):]

    def off(self) -> None:
        try:
            self._machine().kill()
        except MachineError as error:
            raise PowerError(str(error)) from error

    def on(self) -> None:
        machine = self._machine()
        try:
            pty = machine.start()
            with SerialConsole(pty) as console:
                console.wait_for_line(machine.boot_line, self.boot_timeout_s)
        except (MachineError, ConsoleError) as error:
            raise PowerError(f"{machine.name}: {error}; console log: {machine.console_log}") from error
