"""The LCUS serial relay driver, through a socat pty pair with a peer that reads the bytes."""

from pathlib import Path

import pytest
import serial

from harness.power.protocol import PowerError
from harness.power.serial_relay import SerialRelay, frame
from tests.unit.pty_pair import pty_pair


def test_frames_are_the_lcus_command_bytes() -> None:
    assert frame(1, on=True) == bytes.fromhex("A00101A2")
    assert frame(1, on=False) == bytes.fromhex("A00100A1")
    assert frame(4, on=True) == bytes.fromhex("A00401A5")


def test_off_and_on_write_their_frames_to_the_board(tmp_path: Path) -> None:
    with pty_pair(tmp_path) as (board_end, driver_end), serial.Serial(board_end, 9600, timeout=2) as board:
        relay = SerialRelay(driver_end, relay=2)
        relay.off()
        assert board.read(4) == bytes.fromhex("A00200A2")
        relay.on()
        assert board.read(4) == bytes.fromhex("A00201A3")
        assert board.read(1) == b""  # nothing more than the two frames


def test_a_missing_port_is_a_power_error(tmp_path: Path) -> None:
    with pytest.raises(PowerError, match="serial relay"):
        SerialRelay(str(tmp_path / "ttyUSB9")).off()
