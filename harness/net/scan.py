"""The attack surface of one unit: every open TCP port with its service, the UDP services, and the evidence."""

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.net.banners import BannerLimits, grab_all
from harness.net.pcap import write_pcap
from harness.net.services import Service
from harness.net.syn_sweep import Progress, SweepLimits, SweepResult, syn_sweep
from harness.net.udp_probes import probe_all
from harness.scope import LabScope

ALL_PORTS = range(1, 65536)


@dataclass
class AttackSurface:
    """What one unit exposes, as the scan saw it."""

    target: str
    tcp: list[Service] = field(default_factory=list)
    udp: list[Service] = field(default_factory=list)
    ports_probed: int = 0
    unanswered: list[int] = field(default_factory=list)  # no answer at all: neither open nor closed
    sweep_seconds: float = 0.0
    stopped_by: str = ""

    @property
    def open_tcp_ports(self) -> list[int]:
        return [service.port for service in self.tcp]

    @property
    def complete(self) -> bool:
        """Every probed port answered: the open-port list is exact, not a lower bound."""
        return not self.unanswered and not self.stopped_by

    def table(self) -> str:
        """The open-port table for a person."""
        rows = [f"{self.target}: {len(self.tcp)} open TCP of {self.ports_probed} probed in {self.sweep_seconds:.2f} s"
                + ("" if self.complete else f"; INCOMPLETE: {len(self.unanswered)} unanswered {self.stopped_by}"),
                f"{'port':<10}{'service':<9}detail"]
        rows += [f"{f'{s.port}/{s.transport}':<10}{s.name:<9}{s.detail or s.banner}" for s in [*self.tcp, *self.udp]]
        return "\n".join(rows)

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "open_tcp_ports": self.open_tcp_ports, "complete": self.complete}


DEFAULT_LIMITS = SweepLimits()


def scan(target: str, scope: LabScope, ports: Sequence[int] = ALL_PORTS, limits: SweepLimits = DEFAULT_LIMITS,
         progress: Progress | None = None, udp: bool = True) -> tuple[AttackSurface, SweepResult]:
    """SYN-sweep `ports`, then grab a banner from every open one while the UDP probes wait for answers.

    The UDP probes start only after the sweep: under its flood of SYNs an answer could be dropped, and a
    silent SNMP agent would go unseen.
    """
    sweep = syn_sweep(target, ports, scope, limits, progress)
    surface = AttackSurface(sweep.target, ports_probed=len(ports), unanswered=sweep.unanswered,
                            sweep_seconds=sweep.seconds, stopped_by=sweep.stopped_by)
    with ThreadPoolExecutor(max_workers=1) as pool:
        udp_services = pool.submit(probe_all, sweep.target, scope) if udp else None
        surface.tcp = grab_all(sweep.target, sweep.open, scope, BannerLimits())
        surface.udp = udp_services.result() if udp_services else []
    return surface, sweep


def write_evidence(folder: Path, surface: AttackSurface, sweep: SweepResult) -> list[Path]:
    """scan.pcap (every probe and answer), open-ports.txt (the table) and scan.json."""
    folder.mkdir(parents=True, exist_ok=True)
    pcap, table, record = folder / "scan.pcap", folder / "open-ports.txt", folder / "scan.json"
    write_pcap(pcap, [*sweep.sent, *sweep.received])
    table.write_text(surface.table() + "\n", encoding="utf-8")
    record.write_text(json.dumps(surface.to_json(), indent=2) + "\n", encoding="utf-8")
    return [pcap, table, record]
