"""A reference unit's login services without their throttles, for the credential-sweep benchmark only.

The lab's own daemons slow a sweep down on purpose (busybox login sleeps 3 s per failure, dropbear
300 ms and caps unauthenticated connections per address), so a sweep against them measures the unit.
The twin runs, inside the unit's namespace and with the unit's own accounts (its passwd, group and
shadow bind-mounted in a private mount namespace), a login service of the same protocol configured not
to throttle: OpenSSH with no start-up cap, and busybox telnetd handing over to shadow's login with no
failure delay (PAM's pam_unix `nodelay`, no pam_faildelay). It listens on its own port and is stopped
(its process group, which this module started) when the block ends.

Its log goes to a file, never to an unread pipe: sshd -e writes a line or two for every failed login,
and once a pipe's 64 KiB buffer was full every sshd process blocked in write() and stopped answering
(what made the SSH sweep stall at user root, whose locked account logs the most).
"""

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from harness.lab.devices import ReferenceDevice
from harness.lab.topology import device_dir

PORTS = {"ssh": 2222, "telnet": 2323}
READY_WITHIN_S = 10.0
STOP_WITHIN_S = 5.0
LOG_TAIL_BYTES = 4096

_ACCOUNTS = """
mount -t tmpfs -o mode=0755,size=16m twin-ram /run
mount -t tmpfs -o mode=0755,size=16m twin-ram /var/log
hostname "$TWIN_HOSTNAME"
{ cat "$TWIN_STATE/etc/passwd"; grep '^sshd:' /etc/passwd || true; } >/run/passwd  # + OpenSSH's privsep user
mount --bind /run/passwd /etc/passwd
mount --bind "$TWIN_STATE/etc/group" /etc/group
mount --bind "$TWIN_STATE/etc/shells" /etc/shells
mount --bind "$TWIN_SHADOW" /etc/shadow
"""

_SSH = _ACCOUNTS + """
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f /run/twin_host_key
cat >/run/sshd_config <<END
Port $TWIN_PORT
ListenAddress $TWIN_ADDRESS
HostKey /run/twin_host_key
PidFile none
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
MaxAuthTries 10
MaxStartups 512
LoginGraceTime 30
StrictModes no
END
exec /usr/sbin/sshd -D -e -f /run/sshd_config
"""

_TELNET = _ACCOUNTS + """
printf '%s\\n' 'auth required pam_unix.so nodelay' 'account required pam_unix.so' \\
    'session required pam_permit.so' >/run/login.pam
mount --bind /run/login.pam /etc/pam.d/login
exec busybox telnetd -F -p "$TWIN_PORT" -b "$TWIN_ADDRESS" -l /bin/login
"""


@contextmanager
def unthrottled_twin(kind: str, device: ReferenceDevice) -> Iterator[int]:
    """The unit's `kind` ("ssh" or "telnet") login service without throttles, listening; yields its port."""
    state = device_dir(device.name)
    shadow = state / "etc" / "shadow" if device.credential_store == "ram" else state / "flash" / "shadow"
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TWIN_STATE": str(state), "TWIN_SHADOW": str(shadow),
                   "TWIN_HOSTNAME": device.hostname, "TWIN_PORT": str(PORTS[kind]),
                   "TWIN_ADDRESS": device.host.address}
    script = "set -eu\n" + (_SSH if kind == "ssh" else _TELNET)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            ["ip", "netns", "exec", device.host.namespace, "unshare", "--mount", "--uts", "--propagation",
             "private", "sh", "-c", script], env=environment, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_listening(device, PORTS[kind], process, log)
            yield PORTS[kind]
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the twin's process group (started by this module): SIGTERM, then SIGKILL if it lingers."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sent)
        try:
            process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            continue


def _log_tail(log: IO[bytes]) -> str:
    log.seek(0, os.SEEK_END)
    log.seek(max(0, log.tell() - LOG_TAIL_BYTES))
    return log.read().decode("utf-8", "replace")


def _wait_listening(device: ReferenceDevice, port: int, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"unthrottled twin on {device.name} exited: {_log_tail(log)}")
        listening = subprocess.run(["ip", "netns", "exec", device.host.namespace, "ss", "-ltnH", f"sport = :{port}"],
                                   capture_output=True, text=True, timeout=5, check=False).stdout
        if listening.strip():
            return
        time.sleep(0.1)
    raise RuntimeError(f"unthrottled twin on {device.name} did not listen on {port} within {READY_WITHIN_S:.0f} s")
