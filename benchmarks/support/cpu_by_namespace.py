"""Where a lab run's CPU goes: /proc sampled in the background, CPU seconds per network namespace and program.

Each sample reads every process's network namespace, parent and CPU times, keeping the largest seen. A
process is charged its own time (utime+stime) plus what its reaped children used (cutime+cstime) beyond the
children it was seen with: so a login's short-lived dropbear counts once, through its parent. A power cut
loses at most one sampling interval of a device's time.
"""

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NETNS_DIR = Path("/run/netns")

Key = tuple[int, int]  # pid and start time: a process's identity


@dataclass
class _Seen:
    namespace: str
    name: str
    parent: Key | None
    own: int = 0  # utime + stime, ticks, since the sampling began
    reaped: int = 0  # cutime + cstime, ticks, since the sampling began
    base: tuple[int, int] = (0, 0)  # what a process running before the sampling had used by then


def _read(pid: str) -> tuple[int, int, str, int, int, int] | None:
    try:
        stat = Path("/proc", pid, "stat").read_text()
        netns = os.stat(Path("/proc", pid, "ns", "net")).st_ino
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    times = [int(value) for value in fields[11:15]]
    return netns, int(fields[1]), stat[stat.index("(") + 1 : stat.rindex(")")], int(fields[19]), \
        times[0] + times[1], times[2] + times[3]


def _namespace_names() -> dict[int, str]:
    names = {os.stat("/proc/self/ns/net").st_ino: "(root)"}
    if NETNS_DIR.is_dir():
        for path in NETNS_DIR.iterdir():
            try:
                names[os.stat(path).st_ino] = path.name
            except OSError:
                continue
    return names


def _machine_busy_ticks() -> int:
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


@dataclass
class CpuSampler:
    """Samples /proc every `interval_s` while in its block; `report()` says where the CPU went."""

    interval_s: float = 0.2
    wall_s: float = 0.0
    machine_cpu_s: float = 0.0
    _seen: dict[Key, _Seen] = field(default_factory=dict)
    _alive: set[Key] = field(default_factory=set)
    _names: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: float = 0.0
    _busy_at_start: int = 0

    def __enter__(self) -> "CpuSampler":
        self._started, self._busy_at_start = time.monotonic(), _machine_busy_ticks()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self.wall_s = time.monotonic() - self._started
        self.machine_cpu_s = (_machine_busy_ticks() - self._busy_at_start) / CLOCK_TICKS

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval_s)
        self._sample()

    def _sample(self) -> None:
        self._names |= _namespace_names()
        rows = {int(e.name): row for e in os.scandir("/proc") if e.name.isdigit() and (row := _read(e.name))}
        keys = {pid: (pid, row[3]) for pid, row in rows.items()}
        first = not self._seen
        for pid, (netns, parent, name, _, own, reaped) in rows.items():
            seen = self._seen.setdefault(keys[pid], _Seen(self._names.get(netns, str(netns)), name, keys.get(parent),
                                                          base=(own, reaped) if first else (0, 0)))
            seen.own = max(seen.own, own - seen.base[0])
            seen.reaped, seen.name = max(seen.reaped, reaped - seen.base[1]), name
        self._alive = set(keys.values())

    def by_namespace(self) -> dict[str, dict[str, float]]:
        """CPU seconds per namespace, then per program name within it."""
        gone_children: dict[Key, int] = defaultdict(int)
        for key, seen in self._seen.items():
            if seen.parent is not None and key not in self._alive:
                gone_children[seen.parent] += seen.own + seen.reaped
        totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for key, seen in self._seen.items():
            unseen_children = max(0, seen.reaped - gone_children[key])
            totals[seen.namespace][seen.name] += (seen.own + unseen_children) / CLOCK_TICKS
        return {namespace: dict(programs) for namespace, programs in totals.items()}

    def report(self, namespace_prefix: str = "tekigo-") -> str:
        """Machine use against its cores, then each lab namespace's CPU by program."""
        cores = os.cpu_count() or 1
        lines = [f"CPU: {self.machine_cpu_s:.1f} CPU-s used by the machine in {self.wall_s:.1f} s wall "
                 f"= {self.machine_cpu_s / self.wall_s:.2f} of {cores} cores busy on average"]
        for namespace, programs in sorted(self.by_namespace().items()):
            if namespace.startswith(namespace_prefix):
                top = sorted(programs.items(), key=lambda item: -item[1])
                lines.append(f"  {namespace:<20} {sum(programs.values()):7.1f} CPU-s: "
                             + ", ".join(f"{name} {seconds:.1f}" for name, seconds in top[:5] if seconds >= 0.05))
        return "\n".join(lines)
