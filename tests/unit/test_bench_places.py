"""Units on labgrid places, against a real labgrid coordinator and exporters on loopback (about 25 s in all):
the place reserved, locked and released; a place someone else holds reported and left alone; the power cut
through labgrid's NetworkPowerDriver; the place's console served by ser2net. A bench lost mid-run:
tests/unit/test_bench_runs.py."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.bench.daemons import client
from harness.bench.lease import PlaceHeld, PlaceLease
from harness.bench.place_run import held_place, read_place_record
from harness.bench.session import coordinator_session
from harness.power.drivers import power_cycle
from harness.power.labgrid_port import LabgridPowerPort
from harness.power.protocol import KeepsConsole
from tests.unit.labgrid_bench import LoopbackLab, loopback_lab
from tests.unit.pty_pair import pty_pair


@pytest.fixture(scope="module")
def unit_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A serial cable: the unit's end, and the bench PC's end (a pty its exporter serves through ser2net)."""
    with pty_pair(tmp_path_factory.mktemp("console")) as (unit_end, bench_end):
        yield unit_end, os.path.realpath(bench_end)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, unit_console: tuple[str, str]) -> Iterator[LoopbackLab]:
    """One coordinator and two benches for the tests that leave them as they found them (the daemons take
    seconds); bench1's unit has a serial console."""
    console = {"bench1": {"RawSerialPort": {"port": unit_console[1], "speed": 115200}}}
    with loopback_lab(tmp_path_factory.mktemp("labgrid"), more=console) as lab:
        yield lab


def place_state(coordinator: str, place: str) -> str:
    return client(coordinator, ["-p", place, "show"]).stdout


def test_a_place_is_reserved_locked_and_released(lab: LoopbackLab) -> None:
    with coordinator_session(lab.coordinator) as session:
        lease = PlaceLease(session, "bench1-unit")
        try:
            resources = lease.acquire()
            # the exporter serves the bench's serial port (ser2net) as a NetworkSerialPort once the place is held
            assert sorted((r.exporter, r.cls) for r in resources) == [("bench1", "NetworkPowerPort"),
                                                                     ("bench1", "NetworkSerialPort")]
            shown = place_state(lab.coordinator, "bench1-unit")
            assert "acquired: None" not in shown and f"reservation: {lease.token}" in shown
            assert lease.token in client(lab.coordinator, ["reservations"]).stdout
        finally:
            assert lease.release() == []
    shown = place_state(lab.coordinator, "bench1-unit")
    assert "acquired: None" in shown and "reservation:" not in shown
    assert "Reservation" not in client(lab.coordinator, ["reservations"]).stdout


def test_a_place_held_by_someone_else_is_reported_and_not_taken(lab: LoopbackLab, tmp_path: Path) -> None:
    colleague = {"LG_USERNAME": "colleague"}
    client(lab.coordinator, ["-p", "bench2-unit", "lock"], environment=colleague)
    try:
        with pytest.raises(PlaceHeld, match=r"place bench2-unit is held by \S+/colleague"), \
                held_place("bench2-unit", lab.coordinator, tmp_path / "run"):
            pytest.fail("the run must not start on a place someone else holds")
        assert "/colleague" in place_state(lab.coordinator, "bench2-unit")
        assert read_place_record(tmp_path / "run")["outcome"] == "not held"
        assert lab.plugs["bench2"].requests == []
    finally:
        client(lab.coordinator, ["-p", "bench2-unit", "unlock"], environment=colleague)


def test_the_power_cut_goes_through_labgrids_driver_and_is_verified(lab: LoopbackLab, tmp_path: Path) -> None:
    with held_place("bench2-unit", lab.coordinator, tmp_path / "run") as bench:
        switch = bench.power_switch()
        assert isinstance(switch, LabgridPowerPort) and switch.model == "shelly_gen1"
        plug = lab.plugs["bench2"]
        powered = lambda: plug.relays.get(0, True)  # noqa: E731 - the unit answers while its plug is on
        cycle = power_cycle(switch, wait_for=lambda: 0.0, off_for_s=0.2, answers=powered)
        assert cycle.off_s < 5 and plug.relays == {0: True}
        assert plug.requests[:2] == ["POST /relay/0 turn=off", "GET /relay/0"]
    assert "acquired: None" in place_state(lab.coordinator, "bench2-unit")


def test_the_places_console_comes_through_ser2net_and_is_kept_per_boot(
        lab: LoopbackLab, unit_console: tuple[str, str], tmp_path: Path) -> None:
    with held_place("bench1-unit", lab.coordinator, tmp_path / "run") as bench, open(unit_console[0], "wb") as unit:
        power = bench.power_switch()
        assert isinstance(power, KeepsConsole)
        [console] = [r for r in bench.resources if r.cls == "NetworkSerialPort"]
        assert console.args["host"] == "127.0.0.1" and console.args["port"]
        unit.write(b"first boot\n")
        unit.flush()
        bench.console().wait_for("first boot", 5)
        power.off()
        power.on()
        unit.write(b"second boot\n")
        unit.flush()
        bench.console().wait_for("second boot", 5)
        assert power.console_of_last_boots(1).strip() == "second boot"
        assert "first boot" in power.console_of_last_boots(2)
