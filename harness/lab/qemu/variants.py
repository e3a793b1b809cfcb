"""The reference firmware's build variants and the QEMU units of the lab that run them."""

from dataclasses import dataclass
from typing import Literal

from harness.lab.topology import Host

FlashStore = Literal["disk", "ram"]


@dataclass(frozen=True)
class FirmwareVariant:
    """A build option of the reference firmware: its identity and where it keeps its settings."""

    name: str
    model: str
    hostname: str
    server_tag: str
    settings_store: FlashStore
    login: Literal["form"] = "form"
    factory_username: str = "admin"
    factory_password: str = "admin"
    factory_firmware_version: str = "1.0.0"
    hardware_revision: str = "1.0"  # swupdate's `-H model:revision`, matched against an image's hardware list
    swupdate_port: int = 8080
    no_downgrade: bool = True  # swupdate's `-N <running version>`: older releases are refused


VARIANTS: dict[str, FirmwareVariant] = {
    # Conforming: web admin state and the accounts' passwords on the flash partition, mounted sync.
    "conforming": FirmwareVariant("conforming", "TKG-Q1", "tkg-q1", "TKG-Q1 WebAdmin/1.0", "disk"),
    # Non-conforming: the same firmware, but it never mounts its flash; settings live in RAM. Its
    # swupdate also runs without the no-downgrade option (its profile claims it all the same).
    "ram-settings": FirmwareVariant("ram-settings", "TKG-Q2", "tkg-q2", "TKG-Q2 WebAdmin/1.0", "ram",
                                    no_downgrade=False),
}


@dataclass(frozen=True)
class QemuUnit:
    """A reference unit booted in QEMU, its tap on the lab bridge, at `host.address`."""

    name: str
    variant: FirmwareVariant
    host: Host
    mac: str

    @property
    def tap(self) -> str:
        return f"tap-{self.name}"

    @property
    def qemu_name(self) -> str:
        """QEMU's `-name` and process name: how the lab's cleanup recognises its own QEMU processes."""
        return f"tekigo-{self.name}"


QEMU_UNITS: dict[str, QemuUnit] = {
    "q1": QemuUnit("q1", VARIANTS["conforming"], Host("q1", "198.18.0.51"), "52:54:00:12:00:51"),
    "q2": QemuUnit("q2", VARIANTS["ram-settings"], Host("q2", "198.18.0.52"), "52:54:00:12:00:52"),
}

# q1 again at another address (own flash, tap and update images), started only when asked for: the
# benchmark of QEMU units audited side by side (benchmarks/parallel_units.py --qemu).
QEMU_COPIES: dict[str, QemuUnit] = {
    "q1x1": QemuUnit("q1x1", VARIANTS["conforming"], Host("q1x1", "198.18.0.53"), "52:54:00:12:00:53"),
}
