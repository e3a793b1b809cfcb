"""Which reference devices a selftest brings up: the default three and every other one a profile powers."""

from pathlib import Path

import yaml

from harness.lab.devices import DEVICES, REFERENCE_DEVICES, devices_powered_in

from ..conftest import REFERENCE_PROFILES


def test_devices_powered_by_profiles_join_the_default_ones_once() -> None:
    assert devices_powered_in(["tekigo-s1", "tekigo-r1", "tekigo-w1", "tekigo-elsewhere"]) == [*DEVICES, "w1", "s1"]


def test_every_reference_profile_powers_a_device_the_lab_can_start() -> None:
    namespaces = []
    for path in sorted(Path(REFERENCE_PROFILES).glob("*.yaml")):
        power = yaml.safe_load(path.read_text(encoding="utf-8"))["power"]
        if power["driver"] == "netns":
            namespaces.append(power["namespace"])
    started = devices_powered_in(namespaces)
    assert {REFERENCE_DEVICES[name].host.namespace for name in started} >= set(namespaces)
