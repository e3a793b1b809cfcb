"""Where everything of the reference lab lives: namespaces, addresses, the bridge and the state folder."""

from dataclasses import dataclass
from pathlib import Path

NAMESPACE_PREFIX = "tekigo-"
LAB_NETWORK = "198.18.0.0/24"
PREFIX_LENGTH = 24
BRIDGE_NAMESPACE = "tekigo-lab"
BRIDGE = "br0"
INTERFACE = "eth0"

STATE_DIR = Path("/var/lib/tekigo-lab")
VENDOR_DIR = STATE_DIR / "vendor"
IMAGES_DIR = STATE_DIR / "images"


@dataclass(frozen=True)
class Host:
    """One end on the lab bridge: a namespace with `eth0` at a fixed address, lo up, no default route."""

    name: str
    address: str
    prefix: str = NAMESPACE_PREFIX  # the zoo's hosts carry their own, so neither lab clears the other's

    @property
    def namespace(self) -> str:
        return self.prefix + self.name

    @property
    def bridge_port(self) -> str:
        """The veth end inside the bridge namespace (interface names are at most 15 characters)."""
        return f"veth-{self.name}"


TESTER = Host("tester", "198.18.0.2")
DEVICE_HOSTS: dict[str, Host] = {
    "r1": Host("r1", "198.18.0.11"),
    "c1": Host("c1", "198.18.0.12"),
    "n1": Host("n1", "198.18.0.13"),
    # Copies of r1 for audits of many units at once (`tekigo lab up --clones N`): r1x1..r1x8 at .21-.28.
    **{f"r1x{n}": Host(f"r1x{n}", f"198.18.0.{20 + n}") for n in range(1, 9)},
    # The hostile unit (harness/lab/hostile): misbehaves on purpose; started only by the tests that need it.
    "x1": Host("x1", "198.18.0.31"),
    # Item-1 surface units: gateways with an MQTT broker and a UPnP IGD, safe (u1) and open (u2); tests only.
    "u1": Host("u1", "198.18.0.61"),
    "u2": Host("u2", "198.18.0.62"),
    # Unique-per-unit units (item 2 path b): r1's firmware, a label password per unit; tests only.
    **{f"pu{n}": Host(f"pu{n}", f"198.18.0.{40 + n}") for n in range(1, 5)},
    # Onboarding units: a first-run wizard with no preset credential (w1), an SSH-only unit (s1).
    "w1": Host("w1", "198.18.0.71"),
    "s1": Host("s1", "198.18.0.72"),
    # A unit whose declared update does not take effect (item 3 fails): in the selftest beside r1, c1 and n1.
    "f1": Host("f1", "198.18.0.81"),
}


def device_dir(device: str) -> Path:
    """The device's own folder: flash/, boot, console.log, configs and keys."""
    return STATE_DIR / device
