"""The zoo's units as data: names that fit a veth, profiles that each name one unit, edits that must match."""

from pathlib import Path

import pytest

from harness.lab.errors import LabError
from harness.lab.zoo.profiles import zoo_profiles
from harness.lab.zoo.state import write_config
from harness.lab.zoo.units import MAX_NAME, ZOO_UNITS, Edit, ShippedConfig

REPO = Path(__file__).resolve().parents[2]


def test_every_zoo_profile_names_a_zoo_unit_and_expects_verdicts() -> None:
    profiles = zoo_profiles(REPO / "device_profiles" / "zoo")
    assert set(profiles.values()) <= set(ZOO_UNITS)
    assert len(set(profiles.values())) == len(profiles), "two profiles describe one unit"


def test_zoo_unit_names_fit_the_bridge_port_name() -> None:
    assert all(len(unit.host.bridge_port) <= 15 and len(name) <= MAX_NAME for name, unit in ZOO_UNITS.items())


def test_zoo_addresses_are_distinct_and_in_the_zoo_network() -> None:
    addresses = [unit.address for unit in ZOO_UNITS.values()]
    assert len(set(addresses)) == len(addresses)
    assert all(address.startswith("198.18.14.") for address in addresses)


def test_a_changed_package_default_stops_the_zoo(tmp_path: Path) -> None:
    shipped = tmp_path / "daemon.conf"
    shipped.write_text("listen 127.0.0.1\n")
    moved = ShippedConfig(shipped, "daemon.conf", edits=(Edit("listen 0.0.0.0", "listen 198.18.14.9", "lab LAN"),))
    with pytest.raises(LabError, match="no longer holds"):
        write_config(moved, tmp_path)


def test_an_edit_changes_only_what_it_names(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped" / "daemon.conf"
    shipped.parent.mkdir()
    shipped.write_text("password hackme\nlisten 127.0.0.1\n")
    config = ShippedConfig(shipped, "daemon.conf", edits=(Edit("listen 127.0.0.1", "listen 0.0.0.0", "lab LAN"),))
    write_config(config, tmp_path)
    assert (tmp_path / "daemon.conf").read_text() == "password hackme\nlisten 0.0.0.0\n"
