"""A unit's serial console through pyserial (a pty path or a `socket://` URL): read, kept, waited on."""

import re
import threading
import time
from pathlib import Path
from types import TracebackType

import serial

READ_CHUNK = 4096
KEPT_BYTES = 1 << 20  # the newest MiB of console output stays in memory


class ConsoleError(Exception):
    """The console could not be opened, or did not show what was awaited before the deadline."""


class SerialConsole:
    """Reads the console in the background; everything read goes to `log` and can be waited for."""

    def __init__(self, url: str, log: Path | None = None, baudrate: int = 115200) -> None:
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.1)
        except (serial.SerialException, ValueError) as error:
            raise ConsoleError(f"cannot open the console {url}: {error}") from error
        self._log = log.open("ab") if log is not None else None
        self._text = bytearray()
        self._seen = threading.Condition()
        self._closed = threading.Event()
        self._reader = threading.Thread(target=self._read, name=f"console {url}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._closed.is_set():
            try:
                chunk = self._port.read(READ_CHUNK)
            except (serial.SerialException, OSError):
                break  # the other end went away (QEMU was killed): nothing more to read
            if not chunk:
                continue
            if self._log is not None:
                self._log.write(chunk)
                self._log.flush()
            with self._seen:
                self._text += chunk
                del self._text[:-KEPT_BYTES]
                self._seen.notify_all()
        with self._seen:
            self._closed.set()
            self._seen.notify_all()

    def text(self) -> str:
        with self._seen:
            return self._text.decode(errors="replace")

    def wait_for(self, pattern: str, timeout_s: float) -> re.Match[str]:
        """The first match of the regex `pattern` in what the console has shown (bounded wait)."""
        compiled = re.compile(pattern)
        deadline = time.monotonic() + timeout_s
        with self._seen:
            while True:
                found = compiled.search(self._text.decode(errors="replace"))
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self._closed.is_set():
                    why = "the console closed" if self._closed.is_set() else f"{timeout_s:.0f} s passed"
                    raise ConsoleError(f"no {pattern!r} on the console: {why}")
                self._seen.wait(left)

    def wait_for_line(self, line: str, timeout_s: float) -> None:
        """Wait until a whole console line equals `line`."""
        self.wait_for(rf"(?m)^{re.escape(line)}\r?$", timeout_s)

    def wait_for_prompt(self, prompt: str, timeout_s: float) -> None:
        """Wait until the console's output ends with `prompt` (a prompt has no line end)."""
        self.wait_for(rf"{re.escape(prompt)}\s*$", timeout_s)

    def send_line(self, line: str) -> None:
        self._port.write(line.encode() + b"\r")
        self._port.flush()

    def close(self) -> None:
        self._closed.set()
        self._reader.join(timeout=2)
        self._port.close()
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> "SerialConsole":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
