"""A real daemon started on loopback for a unit test: a free port, and the process until it listens."""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str], port: int, greeting: bytes = b"") -> Iterator[None]:
    """Run `command` until the block ends, once 127.0.0.1:`port` accepts (and sends `greeting`, if given)."""
    daemon = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    if not greeting or sock.recv(64).startswith(greeting):
                        break
            except OSError:
                pass
            assert daemon.poll() is None and time.monotonic() < deadline, f"{command[0]} did not start"
            time.sleep(0.05)
        yield
    finally:
        daemon.kill()
        daemon.wait(timeout=10)
