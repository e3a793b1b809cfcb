"""Which kernel modules the guest loads, in load order, read from the modules' own `.modinfo`.

The Debian kernel package ships no modules.dep (depmod makes it on install), and the guest has no
modprobe: the image's init `insmod`s this list in order.
"""

import re
from pathlib import Path

from harness.lab.errors import LabError

DEPENDS = re.compile(rb"\x00depends=([^\x00]*)\x00")

# virtio devices (net, the flash disk) and the flash's file system. crc32c is asked for by ext4
# through the crypto API, which would call modprobe: load it explicitly.
WANTED = ("virtio_pci", "virtio_net", "virtio_blk", "crc32c_generic", "ext4")


def module_index(tree: Path) -> dict[str, Path]:
    """Module name (dashes as underscores) -> its .ko file under `tree` (lib/modules/<version>)."""
    return {ko.name.removesuffix(".ko").replace("-", "_"): ko for ko in tree.rglob("*.ko")}


def dependencies(ko: Path) -> list[str]:
    found = DEPENDS.search(b"\x00" + ko.read_bytes())
    if found is None or not found.group(1):
        return []
    return [name.decode().replace("-", "_") for name in found.group(1).split(b",")]


def load_order(tree: Path, wanted: tuple[str, ...] = WANTED) -> list[Path]:
    """The .ko files for `wanted` and everything they depend on, each after its dependencies."""
    index = module_index(tree)
    order: list[Path] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name not in index:
            raise LabError(f"kernel module {name} is not in {tree}")
        if index[name] in order or name in visiting:
            return
        visiting.add(name)
        for dependency in dependencies(index[name]):
            visit(dependency)
        order.append(index[name])

    for name in wanted:
        visit(name)
    return order
