"""A labgrid coordinator and exporters on loopback, for the bench tests: real labgrid daemons, emulated plugs."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.bench.daemons import Daemon, create_place, start_coordinator, start_exporter
from tests.unit.loopback_daemon import free_tcp_port
from tests.unit.plug_servers import Plug, ShellyGen1Handler, serving


@dataclass
class LoopbackLab:
    """A coordinator, and per bench an exporter publishing one Shelly Gen1 plug as place `<bench>-unit`."""

    coordinator: str
    workdir: Path
    exporters: dict[str, Daemon] = field(default_factory=dict)
    plugs: dict[str, Plug] = field(default_factory=dict)


@contextmanager
def loopback_lab(workdir: Path, benches: tuple[str, ...] = ("bench1", "bench2"),
                 more: dict[str, dict[str, object]] | None = None) -> Iterator[LoopbackLab]:
    """The lab; `more` adds resources to a bench's unit group (e.g. its console)."""
    with ExitStack() as stack:
        address = f"127.0.0.1:{free_tcp_port()}"
        coordinator = start_coordinator(address, workdir)
        stack.callback(coordinator.stop)
        lab = LoopbackLab(address, workdir)
        for bench in benches:
            plug = lab.plugs[bench] = Plug()
            plug_address = stack.enter_context(serving(ShellyGen1Handler, plug))
            resources = {"unit": {"NetworkPowerPort": {"model": "shelly_gen1", "host": f"http://{plug_address}",
                                                       "index": 0}, **(more or {}).get(bench, {})}}
            exporter = lab.exporters[bench] = start_exporter(bench, address, resources, "127.0.0.1", workdir)
            stack.callback(exporter.stop)
            create_place(address, f"{bench}-unit", [f"{bench}/unit/*"])
        yield lab
