"""The QEMU unit's serial console log as power-cut evidence: the boots around the last cut."""

from pathlib import Path

from harness.power.qemu import QemuMachine, QemuPower


def test_console_of_last_boots_spans_the_boot_before_the_cut_and_the_boot_after(tmp_path: Path) -> None:
    described = QemuMachine(name="tekigo-t1", argv=["qemu-system-x86_64"], accel="tcg",
                            pidfile=tmp_path / "qemu.pid", console_log=tmp_path / "console.log",
                            boot_line="tekigo: services started")
    described.save(tmp_path / "machine.json")
    for boot in ("first", "second", "third"):
        described.note("power on (tcg)")
        with described.console_log.open("a") as log:
            log.write(f"{boot} boot\ntekigo: services started\n")
        described.note("power cut (SIGKILL of QEMU)")
    excerpt = QemuPower(tmp_path / "machine.json").console_of_last_boots(2)
    assert excerpt.startswith("=== tekigo ") and "power on (tcg)" in excerpt
    assert "first boot" not in excerpt and "second boot" in excerpt and "third boot" in excerpt
    assert excerpt.count("power cut (SIGKILL of QEMU)") == 2
