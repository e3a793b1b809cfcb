"""UPnP IGD control (SOAP over requests): may a client on the LAN open a port mapping without authenticating?

UPnP Device Architecture 1.1 (description and SOAP control) and the WANIPConnection:1/2 service
(AddPortMapping, GetSpecificPortMappingEntry, DeletePortMapping). Every mapping this client creates
carries a short lease and is deleted again at once.
"""

import random
import re
import secrets
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.sax.saxutils import escape

import requests

from harness.evidence import Transcript
from harness.profile import UpnpInterface
from harness.scope import LabScope
from harness.transports.outcome import Classification, Classified
from harness.verdict import Inconclusive

MAX_BODY = 64 * 1024
CONNECTION_SERVICES = ("WANIPConnection", "WANPPPConnection")
PROBE_PORTS = range(40000, 50000)
LEASE_S = 120  # the mapping expires by itself even if the delete is lost
SOAP_ENVELOPE = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
                 's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
                 '<u:{action} xmlns:u="{service}">{arguments}</u:{action}></s:Body></s:Envelope>')


@dataclass(frozen=True)
class ControlPoint:
    """The IGD's connection service: its type and where its SOAP actions are posted."""

    service_type: str
    control_url: str


# UPnP Device Architecture 1.1 §3.2.2 and WANIPConnection:2 §2.5: 606 "Action not authorized" refuses the
# control point; 401 "Invalid Action" means the IGD offers no such action. Every other error (402 Invalid Args,
# 501 Action Failed, 718 ConflictInMappingEntry, which miniupnpd also sends for a secure-mode refusal, 725
# OnlyPermanentLeasesSupported, ...) does not say whether an unauthenticated mapping would be taken.
MAPPING_REFUSED_CODES = (401, 606)
MAPPING_REFUSED_STATUSES = (401, 403)  # HTTP authentication asked for, without a UPnP error


@dataclass(frozen=True)
class SoapReply:
    """A SOAP action's outcome: success, or the UPnP error code and description."""

    status: int
    ok: bool
    error: str
    code: int | None = None  # the UPnP errorCode


def soap_reply(action: str, status: int, body: bytes) -> SoapReply:
    """The outcome of `action` from the IGD's HTTP status and SOAP body."""
    if status == 200 and f"{action}Response".encode() in body:
        return SoapReply(status, True, "")
    code = re.search(rb"<errorCode>\s*(\d{1,4})\s*</errorCode>", body)
    text = re.search(rb"<errorDescription>([^<]{0,120})</errorDescription>", body)
    error = f"UPnPError {code.group(1).decode() if code else '?'}" + (
        f" {text.group(1).decode('latin-1')}" if text else "")
    return SoapReply(status, False, error if code else f"HTTP {status} without a UPnP error",
                     int(code.group(1)) if code else None)


def classify_mapping(reply: SoapReply) -> Classified:
    """Whether the IGD took an unauthenticated AddPortMapping."""
    raw = "success" if reply.ok else reply.error + (f" (HTTP {reply.status})" if reply.code is not None else "")
    if reply.ok:
        return Classified(Classification.ACCEPTED, "the IGD added the mapping", raw)
    if reply.code in MAPPING_REFUSED_CODES or (reply.code is None and reply.status in MAPPING_REFUSED_STATUSES):
        return Classified(Classification.REFUSED, "the IGD refused the control point", raw)
    return Classified(Classification.UNCLASSIFIED, "the IGD's error does not say whether it would take an "
                      "unauthenticated mapping", raw)


@dataclass(frozen=True)
class MappingAttempt:
    """What the unit did with our AddPortMapping, and what a later lookup and the clean-up found."""

    external_port: int
    internal_client: str
    added: SoapReply
    present: bool
    deleted: bool | None  # None: there was nothing to delete


class UpnpClient:
    """A UPnP control point for one declared IGD; every exchange goes into the transcript."""

    def __init__(self, address: str, interface: UpnpInterface, scope: LabScope, transcript: Transcript,
                 timeout_s: float = 5.0) -> None:
        self.address = str(scope.check(address))
        self.interface = interface
        self.transcript = transcript
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self.session.trust_env = False  # never through a proxy: the unit is on the lab LAN

    def control_point(self) -> ControlPoint:
        """The WANIPConnection (or WANPPPConnection) service of the device description."""
        url = f"http://{self.address}:{self.interface.port}{self.interface.description}"
        status, body = self._exchange("GET", url, None, {})
        if status != 200:
            raise Inconclusive(f"UPnP description {url} answered {status}")
        try:
            root = ET.fromstring(body)
        except ET.ParseError as error:
            raise Inconclusive(f"UPnP description {url} is not XML ({error})") from error
        base = next((e.text for e in root.iter() if _local(e.tag) == "URLBase" and e.text), url)
        for service in (e for e in root.iter() if _local(e.tag) == "service"):
            fields = {_local(child.tag): (child.text or "").strip() for child in service}
            if any(f":service:{name}:" in fields.get("serviceType", "") for name in CONNECTION_SERVICES):
                return ControlPoint(fields["serviceType"], urljoin(base, fields.get("controlURL", "")))
        raise Inconclusive(f"UPnP description {url} has no WANIPConnection or WANPPPConnection service")

    def try_port_mapping(self) -> MappingAttempt:
        """AddPortMapping of a random high port to ourselves; look it up; delete it if it exists."""
        point = self.control_point()
        port, client = random.choice(PROBE_PORTS), self._own_address()
        key = {"NewRemoteHost": "", "NewExternalPort": str(port), "NewProtocol": "TCP"}
        added = self._action(point, "AddPortMapping", {
            **key, "NewInternalPort": str(port), "NewInternalClient": client, "NewEnabled": "1",
            "NewPortMappingDescription": f"tekigo-probe-{secrets.token_hex(4)}", "NewLeaseDuration": str(LEASE_S)})
        present = self._action(point, "GetSpecificPortMappingEntry", key).ok
        deleted = self._action(point, "DeletePortMapping", key).ok if added.ok or present else None
        return MappingAttempt(port, client, added, present, deleted)

    def _own_address(self) -> str:
        """Our address towards the unit (a connected UDP socket sends nothing)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((self.address, self.interface.port))
            return str(probe.getsockname()[0])

    def _action(self, point: ControlPoint, action: str, arguments: dict[str, str]) -> SoapReply:
        body = SOAP_ENVELOPE.format(action=action, service=point.service_type, arguments="".join(
            f"<{name}>{escape(value)}</{name}>" for name, value in arguments.items()))
        headers = {"Content-Type": 'text/xml; charset="utf-8"', "SOAPAction": f'"{point.service_type}#{action}"'}
        status, reply = self._exchange("POST", point.control_url, body, headers)
        return soap_reply(action, status, reply)

    def _exchange(self, method: str, url: str, body: str | None, headers: dict[str, str]) -> tuple[int, bytes]:
        self.scope_check(url)
        self.transcript.sent(f"{method} {url}" + (f"\n{body}" if body else ""))
        try:
            with self.session.request(method, url, data=body, headers=headers, timeout=self.timeout_s,
                                      stream=True, allow_redirects=False) as answer:
                data = answer.raw.read(MAX_BODY, decode_content=True)
                status = answer.status_code
        except requests.RequestException as error:
            raise Inconclusive(f"UPnP {url}: {error}") from error
        self.transcript.received(f"{status}\n{data.decode('latin-1')}")
        return status, data

    def scope_check(self, url: str) -> None:
        """A control URL from the description must point at the unit itself."""
        host = requests.utils.urlparse(url).hostname or ""
        if host != self.address:
            raise Inconclusive(f"the IGD's control URL {url} points away from the unit ({self.address})")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
