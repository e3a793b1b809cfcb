"""The hostile reference unit x1 (198.18.0.31): a lab namespace whose firmware misbehaves on purpose.

Not started by `lab up`: a test installs it on a running lab bridge, picks a misbehaviour with
`boot(mode)` (a factory reset and a power cycle), and `lab down` removes it with every tekigo-* namespace.
"""

import datetime
import sys
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.lab.errors import LabError
from harness.lab.hostile.unit import MODES, REBOOT_EXIT
from harness.lab.namespaces import attach, listening_ports, run
from harness.lab.topology import DEVICE_HOSTS, device_dir
from harness.power.netns import NetnsPower

HOST = DEVICE_HOSTS["x1"]
FIRMWARE = Path(__file__).parent / "unit.py"
PORTS = (23, 80, 443)
BOOT_DEADLINE_S = 10.0

__all__ = ["HOST", "MODES", "boot", "flash", "install", "power"]


def flash() -> Path:
    return device_dir(HOST.name) / "flash"


def power() -> NetnsPower:
    """The unit's power switch: SIGKILL of everything in its namespace, then its boot script."""
    folder = device_dir(HOST.name)
    return NetnsPower(HOST.namespace, boot=folder / "boot", log=folder / "console.log")


def install(python: str = sys.executable) -> None:
    """Put the unit on the running lab bridge, powered off: namespace, flash, boot script, certificate, image."""
    attach(HOST)
    flash().mkdir(parents=True, exist_ok=True)
    boot_script = device_dir(HOST.name) / "boot"
    # The firmware exits with REBOOT_EXIT to restart itself (a unit in a reboot loop); anything else stops it.
    boot_script.write_text(
        "#!/bin/sh\n"
        f"while :; do\n  {python} -I {FIRMWARE} {flash()}\n"
        f"  [ $? -eq {REBOOT_EXIT} ] || exit 0\n  sleep 0.3\ndone\n"
    )
    boot_script.chmod(0o755)
    _write_invalid_certificate(flash())
    (device_dir(HOST.name) / "update.tkfw").write_bytes(b"TKFW x1 1.1.0\n")


def boot(*modes: str, lockout_s: float | None = None) -> None:
    """Factory state, the misbehaviours `modes` (at most one per service), power on; return once it listens.

    `lockout_s` shortens (or lengthens) the lockout mode's lockout from its 60 s.
    """
    unknown = sorted(set(modes) - set(MODES))
    if unknown or not modes:
        raise LabError(f"unknown hostile modes {unknown or 'none given'}; known: {', '.join(MODES)}")
    switch = power()
    switch.off()
    for stale in ("state.json", "booted", "lockout_s"):
        (flash() / stale).unlink(missing_ok=True)
    (flash() / "mode").write_text(" ".join(modes) + "\n")
    if lockout_s is not None:
        (flash() / "lockout_s").write_text(f"{lockout_s}\n")
    run(["ip", "-n", HOST.namespace, "link", "set", "eth0", "up"])  # after a case that dropped the link
    switch.on()
    deadline = time.monotonic() + BOOT_DEADLINE_S
    while set(PORTS) - set(listening_ports(HOST.namespace)):
        if time.monotonic() > deadline:
            raise LabError(f"hostile unit ({' '.join(modes)}) did not listen on {PORTS} within {BOOT_DEADLINE_S} s")
        time.sleep(0.05)


def _write_invalid_certificate(folder: Path) -> None:
    """A self-signed certificate for another name that expired years ago: invalid three ways over."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "expired.tekigo.invalid")])
    long_ago = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(long_ago)
        .not_valid_after(long_ago + datetime.timedelta(days=30)).sign(key, hashes.SHA256())
    )
    (folder / "tls.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "tls.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
