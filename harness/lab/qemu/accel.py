"""KVM or TCG: a short boot probe decides, never the presence of /dev/kvm alone.

On some hosts /dev/kvm exists but the guest stalls (the kernel never gets past decompression), so
the probe boots the real kernel under KVM without a root file system and waits for its panic line.
The answer is kept until the host reboots.
"""

import os
import subprocess
from pathlib import Path

from harness.lab.qemu.build import CACHE_DIR

PROBE_TIMEOUT_S = 8.0
KVM = Path("/dev/kvm")
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
# Printed once the kernel has booted and found no root file system.
BOOTED = ("VFS: Unable to mount root", "Kernel panic")


def probe_kvm(kernel: Path) -> bool:
    """Does the kernel reach its root-mount panic under KVM within the probe's time?"""
    argv = ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-m", "128", "-nodefaults", "-no-user-config",
            "-display", "none", "-no-reboot", "-serial", "stdio", "-kernel", str(kernel),
            "-append", "console=ttyS0 panic=-1"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return False
    return any(marker in done.stdout for marker in BOOTED)


def choose_accel(kernel: Path) -> str:
    """`kvm` when it works here, else `tcg`; probed once per host boot."""
    if not os.access(KVM, os.R_OK | os.W_OK):
        return "tcg"
    remembered = CACHE_DIR / f"accel-{BOOT_ID.read_text().strip()}"
    if remembered.exists():
        return remembered.read_text().strip()
    accel = "kvm" if probe_kvm(kernel) else "tcg"
    for stale in CACHE_DIR.glob("accel-*"):
        stale.unlink()
    remembered.write_text(accel + "\n")
    return accel
