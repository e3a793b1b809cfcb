"""The attack surface of one unit: every open TCP port with its service, the UDP services, and the evidence.

A unit starts some services seconds after others, after a boot or a power cut (avahi answers mDNS about a
second after the unit's ports open). So the scan looks again, `settle_s` after the previous look began, at
what did not answer (every TCP port not open, every UDP probe without an answer) until a look finds
nothing new: the surface is steady. A surface still growing at the last look is not a complete one.
"""

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.net.banners import BannerLimits, grab_all
from harness.net.pcap import write_pcap
from harness.net.services import Service
from harness.net.syn_sweep import Progress, SweepLimits, SweepResult, syn_sweep
from harness.net.udp_probes import PROBES, UdpProbe, probe_all
from harness.scope import LabScope

ALL_PORTS = range(1, 65536)
Note = Callable[[str], None]


@dataclass(frozen=True)
class SettleLimits:
    """How long the scan gives late services (`settle_s` between looks; 0: one look) and how often it looks."""

    settle_s: float = 2.0
    looks: int = 3


@dataclass
class Look:
    """One pass over what had not answered yet, and the services it saw first."""

    started_s: float  # since the scan began
    tcp_ports: int
    udp_probes: list[str]
    found: list[str] = field(default_factory=list)  # "5353/udp mdns"

    def line(self, number: int) -> str:
        again = "" if number == 1 else " not answered before"
        found = f"new: {', '.join(self.found)}" if self.found else "nothing new"
        return (f"look {number} at {self.started_s:.1f} s: {self.tcp_ports} TCP ports and "
                f"{len(self.udp_probes)} UDP probes{again}; {found}")


@dataclass
class AttackSurface:
    """What one unit exposes, as the scan saw it."""

    target: str
    tcp: list[Service] = field(default_factory=list)
    udp: list[Service] = field(default_factory=list)
    ports_probed: int = 0
    unanswered: list[int] = field(default_factory=list)  # no answer at all: neither open nor closed
    sweep_seconds: float = 0.0  # the first look's sweep of every port
    stopped_by: str = ""
    looks: list[Look] = field(default_factory=list)

    @property
    def open_tcp_ports(self) -> list[int]:
        return [service.port for service in self.tcp]

    @property
    def complete(self) -> bool:
        """Every probed port answered and the surface was steady: the open-port list is exact, not a lower bound."""
        return not self.unanswered and not self.stopped_by

    def table(self) -> str:
        """The open-port table for a person."""
        rows = [f"{self.target}: {len(self.tcp)} open TCP of {self.ports_probed} probed in {self.sweep_seconds:.2f} s"
                + ("" if self.complete else f"; INCOMPLETE: {len(self.unanswered)} unanswered {self.stopped_by}"),
                *(look.line(number) for number, look in enumerate(self.looks, 1)),
                f"{'port':<10}{'service':<9}detail"]
        rows += [f"{f'{s.port}/{s.transport}':<10}{s.name:<9}{s.detail or s.banner}" for s in [*self.tcp, *self.udp]]
        return "\n".join(rows)

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "open_tcp_ports": self.open_tcp_ports, "complete": self.complete}


DEFAULT_LIMITS = SweepLimits()
DEFAULT_SETTLE = SettleLimits()


def scan(target: str, scope: LabScope, ports: Sequence[int] = ALL_PORTS, limits: SweepLimits = DEFAULT_LIMITS,
         progress: Progress | None = None, udp: bool = True, settle: SettleLimits = DEFAULT_SETTLE,
         note: Note | None = None) -> tuple[AttackSurface, SweepResult]:
    """Look at `ports` and the UDP services, then again at what did not answer until nothing new turns up.

    The returned sweep holds every look's probes and answers.
    """
    began = time.monotonic()
    surface = AttackSurface(str(scope.check(target)), ports_probed=len(ports))
    sweep = _look(surface, scope, list(ports), PROBES if udp else (), limits, progress, began)
    surface.sweep_seconds = sweep.seconds
    while _look_again(surface, settle):
        wait_s = max(0.0, began + surface.looks[-1].started_s + settle.settle_s - time.monotonic())
        if note:
            note(f"scan {surface.target}: looking again in {wait_s:.1f} s for services that start late "
                 f"(look {len(surface.looks) + 1} of at most {settle.looks})")
        time.sleep(wait_s)
        seen = set(surface.open_tcp_ports)
        answered = {service.port for service in surface.udp}
        again = _look(surface, scope, [port for port in ports if port not in seen],
                      [p for p in PROBES if udp and p.port not in answered], limits, progress, began)
        sweep.sent += again.sent
        sweep.received += again.received
        sweep.probes += again.probes
        sweep.open = sorted({*sweep.open, *again.open})
        sweep.unanswered, sweep.stopped_by = again.unanswered, again.stopped_by
    surface.tcp.sort(key=lambda service: service.port)
    surface.udp.sort(key=lambda service: service.port)
    surface.unanswered, surface.stopped_by = sweep.unanswered, sweep.stopped_by
    if len(surface.looks) > 1 and surface.looks[-1].found and not surface.stopped_by:
        surface.stopped_by = f"(services still appearing at look {len(surface.looks)}: the surface is not steady)"
    if note and len(surface.looks) > 1:
        note(f"scan {surface.target}: {surface.looks[-1].line(len(surface.looks))}")
    return surface, sweep


def _look_again(surface: AttackSurface, settle: SettleLimits) -> bool:
    """A second look always (unless disabled); a further one only while the last found something new."""
    looks = len(surface.looks)
    if settle.settle_s <= 0 or looks >= settle.looks or surface.stopped_by:
        return False
    return looks == 1 or bool(surface.looks[-1].found)


def _look(surface: AttackSurface, scope: LabScope, ports: list[int], udp_probes: Sequence[UdpProbe],
          limits: SweepLimits, progress: Progress | None, began: float) -> SweepResult:
    """SYN-sweep `ports`, then grab a banner from every open one while the UDP probes wait for answers.

    The UDP probes start only after the sweep: under its flood of SYNs an answer could be dropped, and a
    silent SNMP agent would go unseen.
    """
    look = Look(round(time.monotonic() - began, 2), len(ports), [p.name for p in udp_probes])
    sweep = syn_sweep(surface.target, ports, scope, limits, progress)
    with ThreadPoolExecutor(max_workers=1) as pool:
        udp_services = pool.submit(probe_all, sweep.target, scope, probes=udp_probes) if udp_probes else None
        tcp = grab_all(sweep.target, sweep.open, scope, BannerLimits())
        udp = udp_services.result() if udp_services else []
    look.found = [f"{s.port}/{s.transport} {s.name}" for s in [*tcp, *udp]]
    surface.tcp += tcp
    surface.udp += udp
    surface.looks.append(look)
    return sweep


def write_evidence(folder: Path, surface: AttackSurface, sweep: SweepResult) -> list[Path]:
    """scan.pcap (every probe and answer), open-ports.txt (the table) and scan.json."""
    folder.mkdir(parents=True, exist_ok=True)
    pcap, table, record = folder / "scan.pcap", folder / "open-ports.txt", folder / "scan.json"
    write_pcap(pcap, [*sweep.sent, *sweep.received])
    table.write_text(surface.table() + "\n", encoding="utf-8")
    record.write_text(json.dumps(surface.to_json(), indent=2) + "\n", encoding="utf-8")
    return [pcap, table, record]
