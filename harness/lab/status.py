"""What the lab looks like right now: every unit that is there, its address, power, ports and what runs in it."""

from dataclasses import dataclass, field
from pathlib import Path

from harness.lab.devices import DEVICES
from harness.lab.namespaces import lab_namespaces, listening_ports
from harness.lab.qemu.reference import machine_file
from harness.lab.qemu.variants import QEMU_COPIES, QEMU_UNITS
from harness.lab.topology import DEVICE_HOSTS, Host
from harness.power.netns import namespace_pids
from harness.power.qemu import MachineError, QemuMachine


@dataclass(frozen=True)
class DeviceStatus:
    """One lab unit: is it there (namespace or QEMU machine), does it run, which TCP ports listen, what runs.

    `listening` is None for a QEMU unit: its ports are inside the guest, out of the host's sight.
    `running` is a snapshot (processes come and go while a unit boots), so it is left out of comparisons.
    """

    name: str
    namespace: str
    address: str
    present: bool
    powered: bool
    listening: tuple[int, ...] | None
    running: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class LabStatus:
    """The lab's namespaces (tekigo-*), r1, c1 and n1 whether there or not, and every other unit that is there."""

    namespaces: tuple[str, ...]
    devices: tuple[DeviceStatus, ...]

    def device(self, name: str) -> DeviceStatus:
        return next(device for device in self.devices if device.name == name)

    def render(self) -> str:
        """A short table for a person, then the units that are down."""
        if not self.namespaces:
            return "lab is down (no tekigo-* namespaces)"
        rows = [f"namespaces: {' '.join(self.namespaces)}", "device  address       power  listening    running"]
        for d in self.devices:
            power = "on" if d.powered else "off" if d.present else "-"
            ports = "in guest" if d.listening is None else ",".join(map(str, d.listening)) or "-"
            rows.append(f"{d.name:<7} {d.address:<13} {power:<6} {ports:<12} {' '.join(d.running) or '-'}")
        off = [d.name for d in self.devices if d.present and not d.powered]
        absent = [d.name for d in self.devices if not d.present]
        down = [f"{' '.join(off)} (powered off)"] * bool(off) + [f"{' '.join(absent)} (not started)"] * bool(absent)
        rows.append(f"down: {'; '.join(down) or 'none'}")
        return "\n".join(rows)


def status() -> LabStatus:
    namespaces = tuple(lab_namespaces())
    hosts = [host for name, host in DEVICE_HOSTS.items() if name in DEVICES or host.namespace in namespaces]
    qemu = [unit for unit in (QEMU_UNITS | QEMU_COPIES).values() if machine_file(unit.name).exists()]
    units = [namespace_unit(host, namespaces) for host in hosts] + [qemu_unit(unit.host) for unit in qemu]
    return LabStatus(namespaces, tuple(units))


def namespace_unit(host: Host, namespaces: tuple[str, ...]) -> DeviceStatus:
    """A unit living in its own namespace: powered while any process runs there."""
    present = host.namespace in namespaces
    pids = namespace_pids(host.namespace) if present else []
    listening = listening_ports(host.namespace) if pids else ()
    return DeviceStatus(host.name, host.namespace, host.address, present, bool(pids), listening, programs(pids))


def qemu_unit(host: Host) -> DeviceStatus:
    """A QEMU unit the lab prepared: powered while its QEMU process runs."""
    try:
        machine = QemuMachine.load(machine_file(host.name))
    except MachineError:
        return DeviceStatus(host.name, "", host.address, False, False, None)
    pid = machine.pid()
    running = () if pid is None else (f"qemu pid {pid} ({machine.accel})",)
    return DeviceStatus(host.name, machine.namespace or "", host.address, True, pid is not None, None, running)


def programs(pids: list[int]) -> tuple[str, ...]:
    """The distinct program names of `pids`, in pid order; a process that exited meanwhile is skipped."""
    names: dict[str, None] = {}
    for pid in sorted(pids):
        try:
            names[Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()] = None
        except OSError:
            continue
    return tuple(names)
