"""The QEMU power driver's machine handling and the serial console it detects boot on."""

import os
import threading
import time
from pathlib import Path

import pytest
import serial

from harness.console import ConsoleError, SerialConsole
from harness.power.protocol import PowerError
from harness.power.qemu import QemuMachine, QemuPower
from tests.unit.pty_pair import pty_pair


def machine(tmp_path: Path) -> QemuMachine:
    return QemuMachine(name="tekigo-t1", argv=["qemu-system-x86_64", "-m", "64"], accel="tcg",
                       pidfile=tmp_path / "qemu.pid", console_log=tmp_path / "console.log",
                       boot_line="tekigo: services started", namespace="tekigo-lab")


def test_command_adds_name_daemon_pidfile_and_a_logged_pty_console(tmp_path: Path) -> None:
    argv = machine(tmp_path).command()
    assert argv[:5] == ["ip", "netns", "exec", "tekigo-lab", "qemu-system-x86_64"]
    assert argv[argv.index("-name") + 1] == "tekigo-t1,process=tekigo-t1"
    assert argv[argv.index("-accel") + 1] == "tcg"
    assert "-daemonize" in argv and argv[argv.index("-pidfile") + 1] == str(tmp_path / "qemu.pid")
    assert argv[argv.index("-chardev") + 1] == f"pty,id=console,logfile={tmp_path / 'console.log'},logappend=on"


def test_a_pidfile_naming_a_process_that_is_not_our_qemu_is_ignored(tmp_path: Path) -> None:
    described = machine(tmp_path)
    described.pidfile.write_text(f"{os.getpid()}\n")  # this pytest process: alive, but not that QEMU
    assert described.pid() is None
    described.save(tmp_path / "machine.json")
    assert QemuMachine.load(tmp_path / "machine.json") == described
    with pytest.raises(PowerError, match="not running"):
        QemuPower(tmp_path / "machine.json").off()


def test_a_missing_machine_description_is_a_power_error(tmp_path: Path) -> None:
    with pytest.raises(PowerError, match="machine description"):
        QemuPower(tmp_path / "absent.json").on()


def test_console_waits_for_a_line_and_keeps_what_it_read(tmp_path: Path) -> None:
    with (pty_pair(tmp_path) as (unit_end, harness_end), serial.Serial(unit_end, timeout=1) as unit,
          SerialConsole(harness_end, log=tmp_path / "capture.log") as console):
        def boot() -> None:
            unit.write(b"[    0.1] Linux version 6.1\r\n")
            time.sleep(0.2)
            unit.write(b"tekigo: services started\r\nlogin: ")

        threading.Thread(target=boot).start()
        console.wait_for_line("tekigo: services started", timeout_s=5)
        console.wait_for_prompt("login:", timeout_s=5)
        with pytest.raises(ConsoleError, match="no 'never' on the console"):
            console.wait_for("never", timeout_s=0.3)
        console.send_line("root")
        assert unit.read(5) == b"root\r"
        assert "Linux version 6.1" in console.text()
    assert (tmp_path / "capture.log").read_bytes().startswith(b"[    0.1] Linux version 6.1\r\n")


def test_a_console_that_cannot_open_is_a_console_error(tmp_path: Path) -> None:
    with pytest.raises(ConsoleError, match="cannot open"):
        SerialConsole(str(tmp_path / "no-such-pty"))
