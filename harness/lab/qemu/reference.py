"""The lab's QEMU reference units: put in factory state on the bridge, powered on, cleared away."""

import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from harness.lab.errors import LabError
from harness.lab.firmware.image import build_image
from harness.lab.images import UPDATE_VERSION, update_payload
from harness.lab.namespaces import run
from harness.lab.qemu import build
from harness.lab.qemu.accel import choose_accel
from harness.lab.qemu.update_images import write_swupdate_images
from harness.lab.qemu.variants import QEMU_COPIES, QEMU_UNITS, QemuUnit
from harness.lab.readiness import closed_ports
from harness.lab.topology import BRIDGE, BRIDGE_NAMESPACE, IMAGES_DIR, PREFIX_LENGTH, device_dir
from harness.power.protocol import PowerError
from harness.power.qemu import MachineError, QemuMachine, QemuPower, kill_and_wait, our_qemu_pids

BOOT_LINE = "tekigo: services started"  # printed by the firmware's init (templates/init.sh.j2)
BOOT_DEADLINE_S = 120.0  # two TCG guests booting at once on two cores, with other units running
PORTS = (22, 80)
MEMORY_MB = 512  # the initramfs (about 110 MB unpacked, swupdate's libraries included) lives in RAM


def machine_file(unit: str) -> Path:
    return device_dir(unit) / "machine.json"


def prepare(units: Sequence[QemuUnit], progress: build.Progress = print) -> None:
    """Factory state for each unit: a pristine flash, its machine description, its tap on the bridge."""
    images = {image.variant: image for image in build.build(sorted({u.variant.name for u in units}), progress)}
    accel = choose_accel(next(iter(images.values())).kernel)
    progress(f"lab: QEMU units {', '.join(u.name for u in units)} boot under {accel.upper()}")
    signing_key, swupdate_signer = build.vendor_key(), build.swupdate_signer()
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    for unit in units:
        image, folder = images[unit.variant.name], device_dir(unit.name)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image.flash, folder / "flash.img")
        run(["ip", "-n", BRIDGE_NAMESPACE, "tuntap", "add", "dev", unit.tap, "mode", "tap"])
        run(["ip", "-n", BRIDGE_NAMESPACE, "link", "set", unit.tap, "master", BRIDGE, "up"])
        QemuMachine(
            name=unit.qemu_name,
            argv=["qemu-system-x86_64", "-cpu", "max" if accel == "tcg" else "host", "-m", str(MEMORY_MB),
                  "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                  "-kernel", str(image.kernel), "-initrd", str(image.initrd),
                  "-append", f"console=ttyS0 panic=-1 tekigo.address={unit.host.address}/{PREFIX_LENGTH}",
                  "-drive", f"file={folder / 'flash.img'},format=raw,if=virtio",
                  "-netdev", f"tap,id=lan,ifname={unit.tap},script=no,downscript=no",
                  "-device", f"virtio-net-pci,netdev=lan,mac={unit.mac}"],
            accel=accel, pidfile=folder / "qemu.pid", console_log=folder / "console.log",
            boot_line=BOOT_LINE, namespace=BRIDGE_NAMESPACE,
        ).save(machine_file(unit.name))
        update = build_image(unit.variant.model, UPDATE_VERSION, update_payload(unit.variant.model), signing_key)
        (IMAGES_DIR / f"{unit.name}-{UPDATE_VERSION}.tkfw").write_bytes(update)
        write_swupdate_images(unit, swupdate_signer)


def power_on(units: Sequence[QemuUnit]) -> None:
    """Boot every unit at once; return when each has shown its boot line and its ports answer."""
    failures: list[str] = []

    def boot(unit: QemuUnit) -> None:
        try:
            QemuPower(machine_file(unit.name), BOOT_DEADLINE_S).on()
        except PowerError as error:
            failures.append(str(error))

    threads = [threading.Thread(target=boot, args=(unit,)) for unit in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise LabError("QEMU units did not boot: " + "; ".join(failures))
    wait_for_ports(units)


def wait_for_ports(units: Sequence[QemuUnit], deadline_s: float = 30.0) -> None:


    deadline = time.monotonic() + deadline_s
    wanted = [(unit.host.address, port) for unit in units for port in (*PORTS, unit.variant.swupdate_port)]
    while closed := closed_ports(wanted):
        if time.monotonic() > deadline:
            raise LabError(f"QEMU units booted but ports {closed} stay closed after {deadline_s} s")
        time.sleep(0.2)


def clear_stale() -> None:
    """SIGKILL every QEMU started as one of our units (`-name tekigo-...`), whoever left it."""
    for pid in our_qemu_pids():
        try:
            kill_and_wait(pid)
        except MachineError as error:
            raise LabError(str(error)) from error


def units(names: Sequence[str]) -> list[QemuUnit]:
    known = QEMU_UNITS | QEMU_COPIES
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise LabError(f"unknown QEMU units {unknown}; the lab has {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)]


def units_for_machines(machines: Sequence[Path]) -> list[str]:
    """The lab's QEMU units whose machine description is among `machines` (from profiles)."""
    wanted = {path.resolve() for path in machines}
    return [name for name in QEMU_UNITS | QEMU_COPIES if machine_file(name).resolve() in wanted]

