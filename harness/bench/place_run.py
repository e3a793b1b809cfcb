"""One unit's run on a labgrid place: the place held for the run, its power switch, and the watch on its bench.

`held_place()` reserves and locks the place, records what happened beside the run folder (`<run>.place.json`,
outside the sealed folder; the summary of a batch reads it), and releases the place however the run ends.
While the run goes on, a watcher thread asks the coordinator every half second whether the place's resources
are still published; when the bench is lost it interrupts the run (BenchLost, in the run's main thread): the
unfinished checks become INCONCLUSIVE with the reason, and the unit's run ends.
"""

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from harness.bench.lease import BenchResource, PlaceLease
from harness.bench.place_power import PlacePower
from harness.bench.session import CoordinatorError, coordinator_session
from harness.console import ConsoleError, SerialConsole
from harness.power.labgrid_port import LabgridPowerPort
from harness.power.protocol import PowerError, PowerSwitch

RECORD_SUFFIX = ".place.json"
WATCH_S = 0.5
BENCH_LOST_SIGNAL = signal.SIGUSR1


class BenchLost(KeyboardInterrupt):
    """The place's bench went away mid-run; raised in the run's main thread, which pytest then ends like a Ctrl-C."""


@dataclass
class PlaceBench:
    """The place a run holds and the resources its exporters publish."""

    place: str
    coordinator: str
    resources: list[BenchResource]
    lost: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _console: SerialConsole | None = None

    def power_switch(self) -> PowerSwitch:
        """The place's NetworkPowerPort, switched through labgrid's NetworkPowerDriver; with the place's console
        (a NetworkSerialPort) recorded beside it when the place has one."""
        ports = [r for r in self.resources if r.cls == "NetworkPowerPort"]
        if len(ports) != 1:
            raise PowerError(f"place {self.place} has {len(ports)} NetworkPowerPort resources, wanted exactly one")
        port = ports[0]
        model, index = str(port.args["model"]), int(port.args["index"])
        label = f"labgrid place {self.place}: {model} outlet {index} ({port.exporter}/{port.group})"
        switch = LabgridPowerPort(model, str(port.args["host"]), index, port.extra, label=label)
        console = self.console()
        return PlacePower(switch, console) if console is not None else switch

    def console(self) -> SerialConsole | None:
        """The place's serial console (opened once, read from then on), or None when it has none."""
        if self._console is None:
            serial = [r for r in self.resources if r.cls == "NetworkSerialPort"]
            if not serial:
                return None
            args = serial[0].args
            address = f"{args['host']}:{args['port']}"
            # ser2net does not answer RFC 2217's SET-CONTROL; labgrid's SerialDriver opens it the same way
            url = f"rfc2217://{address}?ign_set_control" if args.get("protocol", "rfc2217") == "rfc2217" \
                else f"socket://{address}"
            try:
                self._console = SerialConsole(url,
                                              baudrate=int(args.get("speed", 115200)))
            except ConsoleError as error:
                raise PowerError(f"place {self.place}: {error}") from error
        return self._console

    def close(self) -> None:
        if self._console is not None:
            self._console.close()

    def exporters(self) -> list[str]:
        return sorted({resource.exporter for resource in self.resources})


_active: PlaceBench | None = None


def active_bench() -> PlaceBench | None:
    """The place this process's run holds, if it runs on one."""
    return _active


@contextmanager
def held_place(place: str, coordinator: str, run_dir: Path) -> Iterator[PlaceBench]:
    """Hold `place` for the run in `run_dir`; PlaceHeld, PlaceError or CoordinatorError when it cannot be held."""
    global _active
    record: dict[str, Any] = {"place": place, "coordinator": coordinator, "outcome": "not held"}
    stack = ExitStack()
    lease: PlaceLease | None = None
    try:
        session = stack.enter_context(coordinator_session(coordinator))
        lease = PlaceLease(session, place)
        bench = PlaceBench(place, coordinator, lease.acquire())
        record |= {"outcome": "held", "exporters": bench.exporters(),
                   "resources": [f"{r.exporter}/{r.group}/{r.cls}/{r.name}" for r in bench.resources]}
        _write(run_dir, record)
        _active = bench
        watcher = threading.Thread(target=_watch, args=(bench, lease), name=f"watch {place}", daemon=True)
        previous = signal.signal(BENCH_LOST_SIGNAL, _raise_bench_lost(bench))
        watcher.start()
        try:
            yield bench
        finally:
            bench._stop.set()
            watcher.join(5.0)
            bench.close()
            signal.signal(BENCH_LOST_SIGNAL, previous)
            _active = None
            if bench.lost:
                record |= {"outcome": "bench lost", "reason": bench.lost}
    except Exception as error:
        record |= {"reason": str(error)}
        raise
    finally:
        if lease is not None:
            record["release_problems"] = lease.release()
        stack.close()
        _write(run_dir, record)


def _watch(bench: PlaceBench, lease: PlaceLease) -> None:
    while not bench._stop.wait(WATCH_S):
        try:
            lost = lease.lost()
        except CoordinatorError as error:
            lost = f"the coordinator does not answer: {error}"
        if lost:
            bench.lost = f"bench lost: {lost}"
            os.kill(os.getpid(), BENCH_LOST_SIGNAL)
            return


def _raise_bench_lost(bench: PlaceBench):  # type: ignore[no-untyped-def]
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise BenchLost(bench.lost or "bench lost")

    return interrupt


def record_path(run_dir: Path) -> Path:
    """Where the place record of the run in `run_dir` is kept: beside the folder, which the run seals."""
    return run_dir.parent / f"{run_dir.name}{RECORD_SUFFIX}"


def _write(run_dir: Path, record: dict[str, Any]) -> None:
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    record_path(run_dir).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def read_place_record(run_dir: Path) -> dict[str, Any] | None:
    """What `held_place` recorded in a run folder, or None when the run was not on a place."""
    path = record_path(run_dir)
    if not path.exists():
        return None
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record
