"""What the lab looks like right now: its namespaces and, per device, power and listening ports."""

from dataclasses import dataclass

from harness.lab.devices import CLONES, DEVICES
from harness.lab.namespaces import lab_namespaces, listening_ports
from harness.power.netns import namespace_pids


@dataclass(frozen=True)
class DeviceStatus:
    """One reference device: is its namespace there, does it run, which TCP ports listen."""

    name: str
    namespace: str
    address: str
    present: bool
    powered: bool
    listening: tuple[int, ...]


@dataclass(frozen=True)
class LabStatus:
    """The lab's namespaces (tekigo-*) and the state of each reference device."""

    namespaces: tuple[str, ...]
    devices: tuple[DeviceStatus, ...]

    def device(self, name: str) -> DeviceStatus:
        return next(device for device in self.devices if device.name == name)

    def render(self) -> str:
        """A short table for a person."""
        if not self.namespaces:
            return "lab is down (no tekigo-* namespaces)"
        rows = [f"namespaces: {' '.join(self.namespaces)}", "device  address       power  listening"]
        for d in self.devices:
            power = "on" if d.powered else "off" if d.present else "-"
            ports = ",".join(map(str, d.listening)) or "-"
            rows.append(f"{d.name:<7} {d.address:<13} {power:<6} {ports}")
        return "\n".join(rows)


def status() -> LabStatus:
    namespaces = tuple(lab_namespaces())
    devices = []
    clones = [clone for clone in CLONES.values() if clone.host.namespace in namespaces]
    for device in [*DEVICES.values(), *clones]:
        present = device.host.namespace in namespaces
        powered = present and bool(namespace_pids(device.host.namespace))
        listening = listening_ports(device.host.namespace) if powered else ()
        devices.append(DeviceStatus(device.name, device.host.namespace, device.host.address,
                                    present, powered, listening))
    return LabStatus(namespaces, tuple(devices))
