"""Debian's OpenSSH sshd and dropbear on loopback, each with a fresh host key, for the SSH answer tests.

No account is made for them: every login the tests try is one the daemon must refuse (an unknown user),
so what is pinned here is how real servers say no. Each starts in well under a second.
"""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.unit.loopback_daemon import free_tcp_port, serving


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
    with serving(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], port, greeting=b"SSH-"):
        yield port


@contextmanager
def dropbear(folder: Path, *flags: str) -> Iterator[int]:
    """dropbear -F on 127.0.0.1 with command-line `flags`: its port."""
    key = folder / "dropbear_ed25519_host_key"
    subprocess.run(["dropbearkey", "-t", "ed25519", "-f", str(key)], check=True, capture_output=True)
    port = free_tcp_port()
    with serving(["dropbear", "-F", "-E", "-p", f"127.0.0.1:{port}", "-r", str(key),
                  "-P", str(folder / "dropbear.pid"), *flags], port, greeting=b"SSH-"):
        yield port
