"""A USB serial relay board of the common LCUS type, switched through pyserial.

Command frame (LCUS-1/2/4 boards, CH340 USB serial, 9600 8N1): 0xA0, relay number (1-based), state
(0x00 open = off, 0x01 closed = on), checksum = sum of the three bytes modulo 256. The boards send no
reply, so `off`/`on` return once the frame is written out and the relay had time to switch.
"""

import time
from dataclasses import dataclass

import serial

from harness.power.protocol import PowerError

START = 0xA0
SWITCH_TIME_S = 0.1  # a relay contact settles within about 10 ms; leave a margin


def frame(relay: int, on: bool) -> bytes:
    head = bytes([START, relay, 1 if on else 0])
    return head + bytes([sum(head) & 0xFF])


@dataclass(frozen=True)
class SerialRelay:
    """Relay `relay` of the board on serial `port` switches the unit's supply."""

    port: str
    relay: int = 1
    baudrate: int = 9600
    timeout_s: float = 2.0

    def off(self) -> None:
        self._send(frame(self.relay, on=False))

    def on(self) -> None:
        self._send(frame(self.relay, on=True))

    def _send(self, command: bytes) -> None:
        try:
            with serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=self.timeout_s,
                                       write_timeout=self.timeout_s) as board:
                board.write(command)
                board.flush()
        except (serial.SerialException, OSError, ValueError) as error:
            raise PowerError(f"serial relay {self.port}: {error}") from error
        time.sleep(SWITCH_TIME_S)
