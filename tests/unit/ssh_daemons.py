"""Debian's OpenSSH sshd and dropbear on loopback, each with a fresh host key, for the SSH answer tests.

No account is made for them: every login the tests try is one the daemon must refuse (an unknown user),
so what is pinned here is how real servers say no. Each starts in well under a second.
"""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_banner(port: int, daemon: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + 5
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(64).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        assert daemon.poll() is None and time.monotonic() < deadline, f"{name} did not start"
        time.sleep(0.05)


@contextmanager
def openssh(folder: Path, *options: str) -> Iterator[int]:
    """sshd -D on 127.0.0.1 with sshd_config `options` ("Keyword value"): its port."""
    key = folder / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    port = free_tcp_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([f"ListenAddress 127.0.0.1:{port}", f"HostKey {key}", "UsePAM no",
                                 f"PidFile {folder}/sshd.pid", *options]) + "\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # its privilege separation directory
    daemon = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    try:
        wait_for_banner(port, daemon, "sshd")
        yield port
    finally:
        daemon.kill()
        daemon.wait(timeout=10)


@contextmanager
def dropbear(folder: Path, *flags: str) -> Iterator[int]:
    """dropbear -F on 127.0.0.1 with command-line `flags`: its port."""
    key = folder / "dropbear_ed25519_host_key"
    subprocess.run(["dropbearkey", "-t", "ed25519", "-f", str(key)], check=True, capture_output=True)
    port = free_tcp_port()
    daemon = subprocess.Popen(["dropbear", "-F", "-E", "-p", f"127.0.0.1:{port}", "-r", str(key),
                               "-P", str(folder / "dropbear.pid"), *flags], stderr=subprocess.DEVNULL)
    try:
        wait_for_banner(port, daemon, "dropbear")
        yield port
    finally:
        daemon.kill()
        daemon.wait(timeout=10)
