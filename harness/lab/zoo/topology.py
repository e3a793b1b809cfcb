"""Where the zoo lives: its own bridge, tester and units on 198.18.14.0/24, apart from the reference lab.

The zoo's namespaces are named tkzoo-*, so the reference lab's clearing (tekigo-*) and the zoo's never
remove each other's; its tester, like the lab's, has no default route.
"""

from pathlib import Path

from harness.lab.topology import Host

ZOO_PREFIX = "tkzoo-"
ZOO_NETWORK = "198.18.14.0/24"
ZOO_BRIDGE_NAMESPACE = ZOO_PREFIX + "lan"
ZOO_TESTER = Host("tester", "198.18.14.2", prefix=ZOO_PREFIX)
ZOO_DIR = Path("/var/lib/tekigo-zoo")


def unit_dir(unit: str) -> Path:
    """The unit's own folder: its boot script, console.log, configuration and data (its flash)."""
    return ZOO_DIR / unit
