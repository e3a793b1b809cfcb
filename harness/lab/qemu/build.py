"""`tekigo lab build-image`: the reference firmware (Debian kernel + initramfs + flash), built once, cached.

The cache key covers the exact .deb files apt would fetch today, the builder's own sources and the
variant, so a second build with nothing changed only checks the key.
"""

import fcntl
import hashlib
import json
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from harness.lab import accounts
from harness.lab.devices import ADMIN_UID, Account
from harness.lab.errors import LabError
from harness.lab.firmware import webadmin
from harness.lab.qemu import packages, rootfs
from harness.lab.qemu.variants import VARIANTS, FirmwareVariant
from harness.lab.render import lighttpd_string
from harness.lab.state import FACTORY_SETTINGS
from harness.update import cms

CACHE_DIR = Path("/var/lib/tekigo-lab-cache/qemu")
VENDOR_KEY = CACHE_DIR / "vendor-ed25519.pem"
SWUPDATE_KEY = CACHE_DIR / "vendor-swupdate-key.pem"
SWUPDATE_CERTIFICATE = CACHE_DIR / "vendor-swupdate.crt"
SWUPDATE_SIGNER_NAME = "tekigo reference firmware signing"
FLASH_SIZE = "16M"
HERE = Path(__file__).parent
BASE_SOURCES = (HERE / "packages.py", HERE / "modules.py", HERE / "rootfs.py")
VARIANT_SOURCES = (Path(__file__), *sorted((HERE / "templates").glob("*.j2")), Path(webadmin.__file__))
ACCOUNTS = (Account("root", 0, None), Account("admin", ADMIN_UID, None))

Progress = Callable[[str], None]

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    autoescape=False,  # a shell script and a lighttpd configuration, quoted by the filters below
)
_templates.filters["sh"] = lambda value: shlex.quote(str(value))
_templates.filters["lq"] = lighttpd_string


@dataclass(frozen=True)
class FirmwareImage:
    """A built variant: what QEMU boots and the pristine flash a unit starts from in factory state."""

    variant: str
    kernel: Path
    initrd: Path
    flash: Path
    built: bool
    seconds: float


def _digest(*parts: bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(hashlib.sha256(part).digest())
    return sha.hexdigest()[:16]


@contextmanager
def _cache_lock() -> Iterator[None]:
    """Two builds at once (two users, two lab ups) take turns instead of writing the same files."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def vendor_key() -> Ed25519PrivateKey:
    """The key the firmware trusts (baked into every image); made once per cache."""
    if not VENDOR_KEY.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        rootfs.write(VENDOR_KEY, pem.decode(), 0o600)
    key = serialization.load_pem_private_key(VENDOR_KEY.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise LabError(f"{VENDOR_KEY} is not an Ed25519 key; delete it and build again")
    return key


def swupdate_signer() -> cms.Signer:
    """The identity swupdate images are signed with; its certificate is baked into every image."""
    with _cache_lock():
        return _swupdate_signer()


def _swupdate_signer() -> cms.Signer:
    return cms.load_or_create(SWUPDATE_KEY, SWUPDATE_CERTIFICATE, SWUPDATE_SIGNER_NAME)


def _public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def build(variant_names: list[str] | None = None, progress: Progress = print) -> list[FirmwareImage]:
    """Build (or find in the cache) every variant asked for, all variants by default."""
    names = list(VARIANTS) if variant_names is None else variant_names
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        raise LabError(f"unknown firmware variants {unknown}; there are {', '.join(VARIANTS)}")
    with _cache_lock():
        kernel_name = packages.kernel_package()
        debs = packages.resolve([kernel_name, *packages.ROOTFS])
        kernel_deb = next(p for p in debs if p.name == kernel_name)
        base_key = _digest(json.dumps(sorted(p.file for p in debs)).encode(),
                           *(source.read_bytes() for source in BASE_SOURCES))
        key_hex = _public_hex(vendor_key())
        certificate = _swupdate_signer().certificate_pem()
        return [_variant(VARIANTS[name], debs, kernel_deb, base_key, key_hex, certificate, progress) for name in names]


def _variant(variant: FirmwareVariant, debs: list[packages.Package], kernel_deb: packages.Package,
             base_key: str, key_hex: str, certificate: bytes, progress: Progress) -> FirmwareImage:
    started = time.monotonic()
    key = _digest(base_key.encode(), repr(variant).encode(), key_hex.encode(), certificate,
                  *(source.read_bytes() for source in VARIANT_SOURCES))
    folder = CACHE_DIR / f"{variant.name}-{key}"
    image = FirmwareImage(variant.name, folder / "vmlinuz", folder / "initrd.cpio", folder / "flash.img",
                          built=False, seconds=0.0)
    if (folder / "complete").exists():
        progress(f"build-image: {variant.name}: cached ({folder})")
        return image
    base = _base(debs, kernel_deb, base_key, progress)
    progress(f"build-image: {variant.name}: firmware layer")
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as work:
        staging = Path(work) / "image"
        staging.mkdir()
        overlay = Path(work) / "overlay"
        _overlay(variant, overlay, key_hex, certificate)
        rootfs.pack(overlay, Path(work) / "overlay.cpio")
        with (staging / "initrd.cpio").open("wb") as initrd:
            for layer in (base / "base.cpio", Path(work) / "overlay.cpio"):
                with layer.open("rb") as part:
                    shutil.copyfileobj(part, initrd, 1 << 20)
        shutil.copyfile(base / "vmlinuz", staging / "vmlinuz")
        rootfs.command(["mke2fs", "-q", "-t", "ext4", "-L", "flash", "-F", str(staging / "flash.img"), FLASH_SIZE])
        (staging / "complete").write_text(key + "\n")
        for stale in CACHE_DIR.glob(f"{variant.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging.rename(folder)
    return FirmwareImage(variant.name, image.kernel, image.initrd, image.flash, True, time.monotonic() - started)


def _base(debs: list[packages.Package], kernel_deb: packages.Package, base_key: str, progress: Progress) -> Path:
    """The shared layer: kernel and the packages' root file system as a cpio archive."""
    folder = CACHE_DIR / f"base-{base_key}"
    if (folder / "complete").exists():
        return folder
    debs_dir = CACHE_DIR / "debs"
    progress(f"build-image: fetching {len(debs)} Debian packages (apt-get download)")
    packages.fetch(debs, debs_dir)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as work:
        kernel_tree, tree, staging = Path(work) / "kernel", Path(work) / "rootfs", Path(work) / "base"
        for path in (kernel_tree, tree, staging):
            path.mkdir()
        progress(f"build-image: unpacking {kernel_deb.name}")
        rootfs.unpack([debs_dir / kernel_deb.file], kernel_tree)
        (vmlinuz,) = (kernel_tree / "boot").glob("vmlinuz-*")
        shutil.copyfile(vmlinuz, staging / "vmlinuz")
        progress("build-image: root file system (busybox, dropbear, lighttpd, Python, swupdate)")
        rootfs.base_tree([debs_dir / p.file for p in debs if p is not kernel_deb], kernel_tree, tree)
        rootfs.pack(tree, staging / "base.cpio")
        (staging / "complete").write_text(base_key + "\n")
        for stale in CACHE_DIR.glob("base-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging.rename(folder)
    return folder


def _overlay(variant: FirmwareVariant, tree: Path, key_hex: str, certificate: bytes) -> None:
    """The variant's own files: init, accounts, web admin firmware and its configuration."""
    etc = tree / "etc"
    rootfs.write(etc / "swupdate" / "vendor.crt", certificate.decode())
    rootfs.write(tree / "usr" / "share" / "swupdate-www" / "index.html",
                 f"<html><body>{variant.model} software update: POST an image to /upload</body></html>\n")
    rootfs.write(tree / "init", _templates.get_template("init.sh.j2").render(variant=variant), 0o755)
    rootfs.write(etc / "passwd", accounts.passwd_file(ACCOUNTS))
    rootfs.write(etc / "group", accounts.group_file(ACCOUNTS))
    rootfs.write(etc / "shells", accounts.shells_file())
    rootfs.write(etc / "nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\n")
    rootfs.write(etc / "tekigo" / "shadow.factory", accounts.shadow_file(ACCOUNTS), 0o600)
    (etc / "shadow").symlink_to("/flash/shadow")  # the accounts' passwords live on the flash
    for text in ("issue", "motd"):
        rootfs.write(etc / text, f"{variant.model} ({variant.hostname})\n")
    rootfs.write(tree / "www" / "webadmin.py", Path(webadmin.__file__).read_text(), 0o755)
    config = {
        "model": variant.model, "login": variant.login, "forced_change": True, "password_policy": True,
        "settings_protected": True, "credential_store": "flash", "signature_required": True,
        "factory_username": variant.factory_username,
        "factory_password_hash": webadmin.hash_password(variant.factory_password),
        "factory_firmware_version": variant.factory_firmware_version, "factory_settings": FACTORY_SETTINGS,
        "flash_dir": "/flash", "ram_dir": "/run/webadmin", "vendor_public_key": key_hex,
        "shadow_file": "/etc/shadow", "ssh_account": "admin", "basic_userfile": None,
    }
    rootfs.write(etc / "webadmin.json", json.dumps(config, indent=2) + "\n")
    rootfs.write(etc / "lighttpd.conf", _templates.get_template("lighttpd.conf.j2").render(variant=variant))
