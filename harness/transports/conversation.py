"""A text conversation over a stream (a telnet socket, an SSH channel): send lines, read until a prompt,
bounded in size and time, every byte in the transcript."""

import re
import time
from typing import Protocol

from harness.evidence import Transcript
from harness.transports.outcome import Unreachable

MAX_READ = 64 * 1024


class Stream(Protocol):
    """What a socket and a paramiko channel both offer."""

    def settimeout(self, timeout: float | None) -> None: ...

    def recv(self, size: int) -> bytes: ...

    def sendall(self, data: bytes) -> None: ...


class Conversation:
    """One stream's text both ways; `plain` turns received bytes into text (telnet drops its options there)."""

    def __init__(self, stream: Stream, transcript: Transcript, timeout: float) -> None:
        self.stream = stream
        self.transcript = transcript
        self.timeout = timeout
        self.text = b""
        self.open = True
        self._received = 0

    def send(self, data: bytes, shown: str | None = None) -> None:
        self.transcript.sent(shown if shown is not None else data.decode("utf-8", "replace").rstrip())
        try:
            self.stream.sendall(data)
        except OSError as error:
            self.open = False
            raise Unreachable(f"connection lost: {error}") from error

    def read_until(self, *patterns: re.Pattern[bytes], within: float) -> tuple[int, bytes]:
        """Read until the text so far ends matching one of `patterns`; (-1, text) on close or deadline."""
        deadline = time.monotonic() + within
        while True:
            for index, pattern in enumerate(patterns):
                if pattern.search(self.text):
                    return index, self._take()
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._received > MAX_READ:
                return -1, self._take()
            self.stream.settimeout(min(remaining, self.timeout))
            try:
                chunk = self.stream.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return -1, self._take()
            if not chunk:
                return -1, self._take()
            self._received += len(chunk)
            self.text += self.plain(chunk)

    def plain(self, chunk: bytes) -> bytes:
        """The text in `chunk`."""
        return chunk

    def _take(self) -> bytes:
        taken, self.text = self.text, b""
        if taken:
            self.transcript.received(taken.decode("utf-8", "replace"))
        return taken
