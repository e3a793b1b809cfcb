"""Assembles the guest's root file system from unpacked Debian packages and packs it as an initramfs."""

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from harness.lab.errors import LabError
from harness.lab.qemu.modules import load_order

COMMAND_TIMEOUT_S = 120
# Parts of the packages the firmware never uses: they only make the initramfs bigger.
TRIMMED = (
    "usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian",
    "usr/lib/python3.11/test", "usr/lib/python3.11/idlelib", "usr/lib/python3.11/ensurepip",
    "usr/lib/python3.11/lib2to3", "usr/lib/python3.11/tkinter", "usr/lib/python3.11/pydoc_data",
    "usr/lib/python3.11/turtledemo", "usr/include", "usr/share/icu", "usr/lib/x86_64-linux-gnu/gconv",
    "usr/lib/python3.11/distutils", "usr/lib/python3.11/config-3.11-x86_64-linux-gnu",
)
PROGRAMS = ("usr/sbin/lighttpd", "usr/sbin/dropbear", "usr/bin/dropbearkey", "usr/bin/openssl", "usr/bin/python3.11",
            "usr/bin/swupdate")
GUEST_DIRS = ("proc", "sys", "dev", "run", "tmp", "var/tmp", "flash", "www", "etc/tekigo", "root")


def command(argv: Sequence[str], cwd: Path | None = None, stdin: int | None = None,
            stdout: int | None = None) -> None:
    try:
        done = subprocess.run(list(argv), cwd=cwd, stdin=stdin, stdout=stdout or subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=COMMAND_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise LabError(f"`{' '.join(argv)}` did not finish in {COMMAND_TIMEOUT_S} s") from error
    if done.returncode != 0:
        raise LabError(f"`{' '.join(argv)}` failed: {done.stderr.decode(errors='replace').strip()[-500:]}")


def unpack(debs: Sequence[Path], tree: Path) -> None:
    for deb in debs:
        command(["dpkg-deb", "-x", str(deb), str(tree)])


def install_busybox_links(tree: Path) -> None:
    """A symlink per busybox applet (sh, mount, ip, insmod, ...) unless a package ships the real tool."""
    listing = subprocess.run([str(tree / "bin" / "busybox"), "--list-full"], capture_output=True, text=True,
                             timeout=10, check=True).stdout
    for applet in listing.split():
        link = tree / applet
        if not link.exists() and not link.is_symlink():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to("/bin/busybox")


def install_modules(kernel_tree: Path, tree: Path) -> None:
    """Copy the modules the guest needs and list them, in load order, in /etc/tekigo/modules."""
    (version,) = [entry.name for entry in (kernel_tree / "lib" / "modules").iterdir()]
    modules = kernel_tree / "lib" / "modules" / version
    listed = []
    for ko in load_order(modules):
        guest_path = Path("/lib/modules") / version / ko.relative_to(modules)
        (tree / guest_path.relative_to("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ko, tree / guest_path.relative_to("/"))
        listed.append(str(guest_path))
    (tree / "etc" / "tekigo").mkdir(parents=True, exist_ok=True)
    (tree / "etc" / "tekigo" / "modules").write_text("\n".join(listed) + "\n")


def compile_python(tree: Path) -> None:
    """Byte-compile the guest's Python once at build time: each CGI request then skips compiling.

    The host's interpreter is the same Python 3.11 as the guest's (both from Debian 12); the hashes are
    unchecked, so the files' times in the initramfs do not matter.
    """
    if sys.version_info[:2] != (3, 11):
        return
    for folder in ("usr/lib/python3.11", "usr/lib/python3/dist-packages"):
        command([sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                 "-d", "/" + folder, str(tree / folder)])


def check_libraries(tree: Path) -> None:
    """Every shared library the firmware's programs load must come from the tree, not from the host."""
    library_path = f"{tree}/lib/x86_64-linux-gnu:{tree}/usr/lib/x86_64-linux-gnu"
    programs = [tree / p for p in PROGRAMS] + sorted((tree / "usr/lib/lighttpd").glob("*.so"))
    for program in programs:
        done = subprocess.run([str(tree / "lib64/ld-linux-x86-64.so.2"), "--list", str(program)],
                              env={"LD_LIBRARY_PATH": library_path}, capture_output=True, text=True,
                              timeout=10, check=False)
        missing = [line.split()[0] for line in done.stdout.splitlines()
                   if "not found" in line or ("=> /" in line and f"=> {tree}" not in line)]
        if done.returncode != 0 or missing:
            raise LabError(f"{program.relative_to(tree)} needs {missing or done.stderr.strip()}: add its "
                           "package to harness/lab/qemu/packages.py")


def base_tree(debs: Sequence[Path], kernel_tree: Path, tree: Path) -> None:
    """Everything the variants share: packages, busybox applets, kernel modules, compiled Python."""
    unpack(debs, tree)
    for trimmed in TRIMMED:
        shutil.rmtree(tree / trimmed, ignore_errors=True)
    for folder in GUEST_DIRS:
        (tree / folder).mkdir(parents=True, exist_ok=True)
    check_libraries(tree)
    install_busybox_links(tree)
    install_modules(kernel_tree, tree)
    compile_python(tree)


def pack(tree: Path, archive: Path) -> None:
    """The tree as a newc cpio archive (the initramfs format), owned by root, in a stable order."""
    names = sorted(str(path.relative_to(tree)) for path in tree.rglob("*"))
    listing = archive.with_suffix(".list")
    listing.write_text("\n".join(names) + "\n")
    with listing.open("rb") as stdin, archive.open("wb") as out:
        command(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=tree, stdin=stdin.fileno(),
                stdout=out.fileno())
    listing.unlink()


def write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
