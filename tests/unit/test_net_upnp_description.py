"""The UPnP device description discovery follows: parsed from the document, fetched only from its sender."""

import ipaddress

from harness.net.upnp_description import fetch_description, parse_description
from harness.scope import LabScope

DOCUMENT = b"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName> Cam 1 </friendlyName>
<manufacturer>ACME</manufacturer><modelName>C-100</modelName><UDN>uuid:1234</UDN></device></root>"""


def test_the_root_device_fields_are_read() -> None:
    found = parse_description("http://198.18.0.12/d.xml", DOCUMENT)
    assert found is not None
    assert (found.friendly_name, found.model_name, found.manufacturer, found.udn) == ("Cam 1", "C-100", "ACME",
                                                                                      "uuid:1234")


def test_a_document_that_is_not_a_description_gives_nothing() -> None:
    assert parse_description("http://198.18.0.12/d.xml", b"<html><body>hi</body></html>") is None
    assert parse_description("http://198.18.0.12/d.xml", b"not xml <") is None


def test_a_location_on_another_host_than_its_sender_is_not_followed() -> None:
    # 127.0.0.2 is outside the scope: were it fetched, the scope guard would raise.
    scope = LabScope([ipaddress.ip_network("198.18.0.0/24")])
    assert fetch_description("198.18.0.12", "http://127.0.0.2/d.xml", scope) is None
    assert fetch_description("198.18.0.12", "https://198.18.0.12/d.xml", scope) is None
