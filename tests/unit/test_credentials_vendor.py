"""Vendor default groups: the data file, fingerprint matching, and the banners captured on loopback servers."""

import functools
import http.server
import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from harness.credentials.banners import Banner, http_banners, ssh_banner, telnet_banner
from harness.credentials.vendor_defaults import (
    VendorDefaults,
    load_vendor_defaults,
    matching_vendors,
    parse_vendor_defaults,
)
from harness.evidence import Redactor, Transcript
from harness.profile import BasicLogin, HttpInterface, SshInterface, TelnetInterface
from harness.scope import LabScope
from harness.transports.http import HttpClient
from harness.transports.ssh import SshClient
from harness.transports.telnet import TelnetClient

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])


@functools.cache
def shipped_vendors() -> list[VendorDefaults]:
    return load_vendor_defaults()


def vendors_for(*banners: Banner) -> list[str]:
    return [match.vendor.vendor for match in matching_vendors(banners, shipped_vendors())]


def test_every_vendor_group_names_its_source_and_has_pairs() -> None:
    vendors = load_vendor_defaults()
    assert len(vendors) >= 30
    assert all(v.source and v.pairs and v.match for v in vendors)
    assert all(p.group == f"vendor:{v.vendor}" for v in vendors for p in v.pairs)


def test_vendor_defaults_are_selected_only_by_a_matching_fingerprint() -> None:
    assert vendors_for(Banner("http:80", "http_server", "App-webs/")) == ["Hikvision"]
    assert vendors_for(Banner("ssh:22", "ssh_banner", "SSH-2.0-ROSSSH")) == ["MikroTik"]
    assert vendors_for(Banner("http:80", "http_realm", "RT-AC68U")) == ["ASUS"]
    assert vendors_for(Banner("http:80", "http_realm", "level_15_access")) == ["Cisco"]
    # the kind matters: a realm pattern does not fire on a title, nor a server pattern on a telnet banner
    assert vendors_for(Banner("http:80", "http_title", "RT-AC68U")) == []
    assert vendors_for(Banner("telnet:23", "telnet_banner", "App-webs/")) == []


def test_the_reference_lab_units_match_no_vendor() -> None:
    lab = [Banner("http:80", "http_server", "TKG-C1 IPCam httpd"), Banner("http:80", "http_title", "TKG-R1 Login"),
           Banner("ssh:22", "ssh_banner", "SSH-2.0-dropbear_2022.83"),
           Banner("telnet:23", "telnet_banner", "TKG-C1 (tkg-c1) tkg-c1 login:")]
    assert vendors_for(*lab) == []


@pytest.mark.parametrize(("entry", "complaint"), [
    ('{vendor: X, match: {http_title: ["x"]}, pairs: [["a", "b"]]}', "name the source"),
    ('{vendor: X, source: s, match: {smtp_banner: ["x"]}, pairs: [["a", "b"]]}', "unknown banner kind"),
    ('{vendor: X, source: s, match: {http_title: ["("]}, pairs: [["a", "b"]]}', "match.http_title"),
    ('{vendor: X, source: s, match: {http_title: ["x"]}, pairs: [["a"]]}', "[username, password]"),
])
def test_a_bad_vendor_entry_is_refused_with_its_name(entry: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=r"\(X\)") as error:
        parse_vendor_defaults(f"vendors: [{entry}]", "test.yaml")
    assert complaint in str(error.value)


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/admin":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="RT-N10U"')
            body = b""
        else:
            self.send_response(200)
            body = b"<html><head><title>\n  ASUS  Wireless &amp; Router </title></head></html>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def version_string(self) -> str:
        return "httpd/2.0"

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_once(payload: bytes) -> Iterator[int]:
    """A loopback TCP server that sends `payload` to its first client, then waits for it to hang up."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def answer() -> None:
        with listener, listener.accept()[0] as peer:
            peer.settimeout(5)
            peer.sendall(payload)
            try:
                while peer.recv(1024):
                    pass
            except OSError:
                pass

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    thread.join(5)


def transcript() -> Transcript:
    return Transcript("test", Redactor({}))


def test_http_banners_are_server_title_and_realm_of_front_and_login_pages() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        interface = HttpInterface(kind="http", port=server.server_address[1],
                                  login=BasicLogin(method="basic", check_path="/admin"))
        banners = http_banners(HttpClient("127.0.0.1", interface, LOOPBACK, transcript(), 5.0))
    finally:
        server.shutdown()
        server.server_close()
    where = f"http:{interface.port}"
    assert {(b.kind, b.text) for b in banners} >= {("http_title", "ASUS Wireless & Router"),
                                                   ("http_realm", "RT-N10U")}
    assert any(b.kind == "http_server" and b.text.startswith("httpd/2.0") for b in banners)
    assert all(b.where == where for b in banners)
    assert vendors_for(*banners) == ["ASUS"]


def test_an_open_web_admin_shows_the_banners_of_its_front_page() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        interface = HttpInterface(kind="http", port=server.server_address[1], auth="none")
        banners = http_banners(HttpClient("127.0.0.1", interface, LOOPBACK, transcript(), 5.0))
    finally:
        server.shutdown()
        server.server_close()
    assert ("http_title", "ASUS Wireless & Router") in {(b.kind, b.text) for b in banners}


def test_ssh_banner_is_the_identification_line_after_any_preamble() -> None:
    with serve_once(b"Welcome\r\nSSH-2.0-ROSSSH\r\n") as port:
        banners = ssh_banner(SshClient("127.0.0.1", SshInterface(kind="ssh", port=port), LOOPBACK, transcript(), 5.0))
    assert banners == [Banner(f"ssh:{port}", "ssh_banner", "SSH-2.0-ROSSSH")]


def test_telnet_banner_is_the_text_before_the_first_prompt_without_option_bytes() -> None:
    with serve_once(bytes([255, 253, 1]) + b"\r\nMikroTik v6.49\r\nLogin: ") as port:
        client = TelnetClient("127.0.0.1", TelnetInterface(kind="telnet", port=port), LOOPBACK, transcript(), 5.0)
        banners = telnet_banner(client)
    assert banners == [Banner(f"telnet:{port}", "telnet_banner", "MikroTik v6.49 Login:")]
    assert vendors_for(*banners) == ["MikroTik"]
