"""The Debian packages the reference firmware is made of, fetched by exact name into the build cache."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness.lab.errors import LabError

KERNEL_META = "linux-image-amd64"  # resolved to its exact linux-image-6.1.0-*-amd64 package
# Only what the firmware runs, not the packages' full Depends closure (which pulls in systemd and
# perl): busybox for init and the tools, dropbear, lighttpd, Python for the web admin, and swupdate.
ROOTFS = (
    "busybox-static",
    "libc6", "libgcc-s1", "libcrypt1", "zlib1g", "libssl3", "libffi8", "libexpat1", "libbz2-1.0",
    "liblzma5", "libzstd1", "libpcre2-8-0", "libxxhash0", "libtomcrypt1", "libtommath1", "libgmp10", "libnettle8",
    "dropbear-bin",
    "lighttpd",
    "openssl",
    "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib",
    "python3-cryptography", "python3-cffi-backend",
    # The update agent and the libraries it links (`ldd /usr/bin/swupdate`, by package).
    "swupdate",
    "libacl1", "libarchive13", "libb2-1", "libblkid1", "libbrotli1", "libcap2", "libcom-err2", "libconfig9",
    "libcurl4", "libext2fs2", "libfdisk1", "libgcrypt20", "libgnutls30", "libgomp1", "libgpg-error0", "libgpiod2",
    "libgssapi-krb5-2", "libhogweed6", "libicu72", "libidn2-0", "libjson-c5", "libk5crypto3", "libkeyutils1",
    "libkrb5-3", "libkrb5support0", "libldap-2.5-0", "liblua5.3-0", "liblz4-1", "libnghttp2-14", "libp11-kit0",
    "libpsl5", "librsync2", "librtmp1", "libsasl2-2", "libssh2-1", "libstdc++6", "libsystemd0", "libtasn1-6",
    "libunistring2", "liburiparser1", "libuuid1", "libwebsockets17", "libxml2", "libzck1",
)
APT_TIMEOUT_S = 300
URI_LINE = re.compile(r"^'(?P<uri>[^']+)' (?P<file>\S+) (?P<size>\d+) ")


@dataclass(frozen=True)
class Package:
    """One .deb as apt would fetch it now: its file name carries name, version and architecture."""

    name: str
    file: str


def _apt(argv: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=APT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise LabError(f"`{' '.join(argv)}` did not finish in {APT_TIMEOUT_S} s") from error
    if done.returncode != 0:
        raise LabError(f"`{' '.join(argv)}` failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def kernel_package() -> str:
    """The exact kernel image package the `linux-image-amd64` metapackage points at today."""
    for line in _apt(["apt-cache", "depends", KERNEL_META]).splitlines():
        name = line.strip().removeprefix("Depends: ")
        if re.fullmatch(r"linux-image-6\.\d+\.\d+-\d+-amd64", name):
            return name
    raise LabError(f"apt knows no kernel for {KERNEL_META}; run `apt-get update`")


def resolve(names: list[str]) -> list[Package]:
    """The .deb file of each package, as `apt-get download` would fetch it (nothing is fetched)."""
    packages = []
    for line in _apt(["apt-get", "download", "--print-uris", *names]).splitlines():
        match = URI_LINE.match(line)
        if match:
            name = match["file"].split("_", 1)[0]
            packages.append(Package(name, match["file"]))
    missing = sorted(set(names) - {p.name for p in packages})
    if missing:
        raise LabError(f"apt cannot fetch {', '.join(missing)}; run `apt-get update`")
    return packages


def fetch(packages: list[Package], into: Path) -> None:
    """Download the packages not cached yet (`apt-get download` by exact name)."""
    into.mkdir(parents=True, exist_ok=True)
    wanted = [p.name for p in packages if not (into / p.file).exists()]
    if wanted:
        _apt(["apt-get", "download", "-q", *wanted], cwd=into)
    absent = [p.file for p in packages if not (into / p.file).exists()]
    if absent:
        raise LabError(f"apt-get download left no {', '.join(absent)} in {into}")
