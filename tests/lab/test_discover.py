"""`tekigo discover` finds every reference device with the services it announces, from the tester namespace."""

import json
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from harness import lab
from harness.lab.devices import DEVICES

from .conftest import run_in_tester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(120)]

ANNOUNCE_DEADLINE_S = 15.0  # avahi probes its names for about a second after boot
UPNP_NAMESPACE = {"upnp": "urn:schemas-upnp-org:device-1-0"}
# Fetched from the tester namespace, like a UPnP control point following the SSDP LOCATION.
DESCRIPTION_FETCH = """
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1], timeout=5) as answer:
    print(json.dumps([answer.status, answer.headers["Content-Type"], answer.read(65536).decode()]))
"""


def discover(*arguments: str) -> dict[str, dict]:
    done = run_in_tester([sys.executable, "-m", "harness.cli", "discover", "--network", "198.18.0.0/24", "--json",
                          *arguments])
    assert done.returncode == 0, done.stderr
    return {unit["address"]: unit for unit in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def found(lab_up: lab.LabStatus, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], Path]:
    """What discover saw once every device's avahi had announced (bounded), and the drafts it wrote."""
    drafts = tmp_path_factory.mktemp("drafts")
    deadline = time.monotonic() + ANNOUNCE_DEADLINE_S
    while True:
        units = discover("--write-profile", str(drafts))
        announced = all(units.get(d.host.address, {}).get("services") for d in DEVICES.values())
        if announced or time.monotonic() > deadline:
            return units, drafts


def test_every_reference_device_is_found_with_its_mac(found: tuple[dict[str, dict], Path]) -> None:
    units, _ = found
    assert sorted(units) == sorted(device.host.address for device in DEVICES.values())
    assert all(len(unit["mac"].split(":")) == 6 for unit in units.values())


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_each_device_announces_exactly_its_services(found: tuple[dict[str, dict], Path], name: str) -> None:
    device = DEVICES[name]
    unit = found[0][device.host.address]
    seen = sorted((service["service_type"], service["port"]) for service in unit["services"])
    assert seen == sorted(device.announced_services)
    assert unit["hostname"] == f"{device.hostname}.local"
    assert {service["properties"]["model"] for service in unit["services"]} == {device.model}


def test_the_camera_answers_m_search_with_its_description_url(found: tuple[dict[str, dict], Path]) -> None:
    units, _ = found
    camera = DEVICES["c1"]
    targets = {device["search_target"]: device for device in units[camera.host.address]["upnp"]}
    assert set(targets) == {"upnp:rootdevice", f"uuid:{camera.upnp_uuid}", "urn:schemas-upnp-org:device:Basic:1"}
    assert targets["upnp:rootdevice"]["location"] == "http://198.18.0.12/upnp/device.xml"
    assert all(not units[d.host.address]["upnp"] for d in DEVICES.values() if not d.upnp)


def test_the_camera_serves_its_device_description_at_that_url(found: tuple[dict[str, dict], Path]) -> None:
    camera = DEVICES["c1"]
    location = {d["location"] for d in found[0][camera.host.address]["upnp"]}.pop()
    done = run_in_tester([sys.executable, "-c", DESCRIPTION_FETCH, location])
    assert done.returncode == 0, done.stderr
    status, content_type, document = json.loads(done.stdout)
    assert status == 200 and content_type.startswith("text/xml")
    device = ElementTree.fromstring(document).find("upnp:device", UPNP_NAMESPACE)
    assert device is not None
    described = {field: device.findtext(f"upnp:{field}", namespaces=UPNP_NAMESPACE)
                 for field in ("deviceType", "friendlyName", "modelName", "UDN")}
    assert described == {"deviceType": "urn:schemas-upnp-org:device:Basic:1", "friendlyName": "TKG-C1 tkg-c1",
                         "modelName": "TKG-C1", "UDN": f"uuid:{camera.upnp_uuid}"}
    # discover followed the LOCATION itself and shows who the device says it is.
    assert [(d["friendly_name"], d["model_name"], d["udn"]) for d in found[0][camera.host.address]["descriptions"]
            ] == [("TKG-C1 tkg-c1", "TKG-C1", f"uuid:{camera.upnp_uuid}")]


def test_drafted_profile_declares_what_the_router_announced(found: tuple[dict[str, dict], Path]) -> None:
    draft = yaml.safe_load((found[1] / "tkg-r1.yaml").read_text(encoding="utf-8"))
    assert draft["unit"]["address"] == "198.18.0.11" and draft["lab"]["networks"] == ["198.18.0.0/24"]
    assert sorted((i["kind"], i["port"]) for i in draft["interfaces"]) == [("http", 80), ("ssh", 22)]
