"""A UPnP device description (UPnP Device Architecture 1.1, 2.3): what the device behind an SSDP LOCATION says it is."""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

import requests

from harness.scope import LabScope

MAX_DOCUMENT = 64 * 1024
NAMESPACE = {"upnp": "urn:schemas-upnp-org:device-1-0"}


@dataclass(frozen=True)
class DeviceDescription:
    """The root device's identity from its description document."""

    location: str
    friendly_name: str
    model_name: str
    manufacturer: str
    udn: str


def fetch_description(sender: str, location: str, scope: LabScope, timeout_s: float = 2.0) -> DeviceDescription | None:
    """The description at `location`, fetched only from the unit that announced it; None when it has none."""
    parts = urlsplit(location)
    try:
        host = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return None
    if parts.scheme != "http" or str(host) != sender:
        return None  # a LOCATION elsewhere than its sender is not followed
    scope.check(sender)
    session = requests.Session()
    session.trust_env = False  # lab traffic goes straight to the unit
    try:
        with session.get(location, timeout=timeout_s, stream=True, allow_redirects=False) as answer:
            document = answer.raw.read(MAX_DOCUMENT + 1, decode_content=True) or b""
            if answer.status_code != 200 or len(document) > MAX_DOCUMENT:
                return None
    except requests.RequestException:
        return None
    finally:
        session.close()
    return parse_description(location, document)


def parse_description(location: str, document: bytes) -> DeviceDescription | None:
    """The root device's fields from a description document; None when it is not one."""
    try:
        device = ElementTree.fromstring(document).find("upnp:device", NAMESPACE)
    except ElementTree.ParseError:
        return None
    if device is None:
        return None

    def text(name: str) -> str:
        return (device.findtext(f"upnp:{name}", default="", namespaces=NAMESPACE) or "").strip()[:200]

    return DeviceDescription(location, text("friendlyName"), text("modelName"), text("manufacturer"), text("UDN"))
