"""Answers of a real lighttpd to unauthenticated requests for protected pages, classified; the trick check on it."""

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.checks import CheckEvidence
from harness.evidence import EvidenceStore, Redactor, Transcript
from harness.profile import BasicLogin, HttpInterface, ProtectedPath
from harness.profile.firmware import VersionProbe
from harness.scope import LabScope
from harness.transports.http import HttpClient, HttpSession
from harness.transports.http_answers import classify_protected_read, classify_trick, classify_upload
from harness.transports.outcome import Classification, Unrecognised
from harness.verdict import Inconclusive
from testcases.ter_34_10 import test_1_first_use as first_use
from testcases.ter_34_10 import test_2_access_control as access_control
from tests.unit.lighttpd_unit import MARKER, lighttpd

ACCEPTED, REFUSED, UNCLASSIFIED = Classification.ACCEPTED, Classification.REFUSED, Classification.UNCLASSIFIED


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with lighttpd(tmp_path_factory.mktemp("lighttpd")) as port:
        yield port


def interface(port: int, *protected: str) -> HttpInterface:
    return HttpInterface(kind="http", port=port, login=BasicLogin(method="basic", check_path="/basic/settings.html"),
                         protected=[ProtectedPath(path=path, marker=MARKER) for path in protected])


def client(port: int, *protected: str) -> HttpClient:
    return HttpClient("127.0.0.1", interface(port, *protected), LabScope([ipaddress.ip_network("127.0.0.0/8")]),
                      Transcript("http", Redactor({})), timeout=2.0)


@pytest.mark.parametrize(("path", "marker", "expected", "reason"), [
    ("/open/settings.html", MARKER, ACCEPTED, "served the protected content"),
    ("/admin/settings.html", MARKER, REFUSED, "403"),
    ("/basic/settings.html", MARKER, REFUSED, "401"),
    ("/redirected/settings.html", MARKER, REFUSED, "301 to /login.html"),
    ("/login.html", MARKER, REFUSED, "200 without the protected content"),
    ("/login.html", None, UNCLASSIFIED, "declare a `marker`"),
    ("/looping/settings.html", MARKER, UNCLASSIFIED, "neither served nor refused"),
    ("/missing.html", MARKER, UNCLASSIFIED, "neither served nor refused"),
])
def test_each_answer_of_a_real_web_server_to_a_protected_read_is_classified(
        unit: int, path: str, marker: str | None, expected: Classification, reason: str) -> None:
    read = classify_protected_read(client(unit).request("GET", path), path, marker)
    assert read.classification is expected and reason in read.reason
    assert read.raw.startswith("HTTP ")


def test_an_unclassified_read_is_inconclusive_with_the_raw_answer(unit: int) -> None:
    read = classify_protected_read(client(unit).request("GET", "/missing.html"), "/missing.html", MARKER)
    with pytest.raises(Unrecognised, match=r"the unit answered 'HTTP 404, \d+ bytes of body'"):
        read.decided()


def test_head_answered_200_without_a_body_discloses_nothing(unit: int) -> None:
    http = client(unit)
    assert http.raw("GET", "/admin/settings.html").status == 403
    head = http.raw("HEAD", "/admin/settings.html")
    assert (head.status, head.body) == (200, "")
    read = classify_trick(head, MARKER)
    assert read.classification is REFUSED and read.reason == "answered without the protected content"
    assert classify_trick(http.raw("GET", "/open/settings.html"), MARKER).accepted


def check_evidence(folder: Path) -> CheckEvidence:
    return CheckEvidence("tricks", EvidenceStore(folder, Redactor({})), Transcript("tricks", Redactor({})))


class Device:
    """The device fixture's verbs the access checks call: a client for the declared web admin, a logged-in
    session (lighttpd's Basic auth, user admin) and the first-use password change (done: nothing to do)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def http(self, declared: HttpInterface) -> HttpClient:
        return client(self.port, *(p.path for p in declared.protected))

    def ensure_password_changed(self) -> None:
        pass

    def web_session(self) -> HttpSession:
        result, session = client(self.port).login("admin", "Unit-0wn-pass")
        assert result.accepted and session is not None
        return session


def test_a_head_answered_200_is_a_finding_not_a_bypass(unit: int, tmp_path: Path) -> None:
    """Issue 14's false FAIL: GET 403 and HEAD 200 with no body; the check used to call it a bypass."""
    evidence = check_evidence(tmp_path)
    access_control.test_protected_settings_resist_path_and_method_tricks(
        Device(unit), interface(unit, "/admin/settings.html"), evidence)
    assert [f.text for f in evidence.findings] == [
        "HEAD /admin/settings.html answered HTTP 200, 0 bytes of body while GET /admin/settings.html answered 403; "
        "it disclosed no protected content (informational)"]


def test_a_trick_that_discloses_the_page_still_fails(unit: int, tmp_path: Path) -> None:
    evidence = check_evidence(tmp_path)
    with pytest.raises(AssertionError, match=r"GET /exact/settings.html/ \(200\), GET /exact/settings.html%2f \(200\)"):
        access_control.test_protected_settings_resist_path_and_method_tricks(
            Device(unit), interface(unit, "/exact/settings.html"), evidence)


def test_a_page_served_without_any_trick_fails_at_once(unit: int, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"GET /open/settings.html \(served without any trick\)"):
        access_control.test_protected_settings_resist_path_and_method_tricks(
            Device(unit), interface(unit, "/open/settings.html"), check_evidence(tmp_path))


@pytest.mark.parametrize(("path", "expected", "reason"), [
    ("/open/settings.html", ACCEPTED, "200: the unit took the image"),
    ("/small/upload", REFUSED, "413: the unit turned the image down"),
    ("/basic/upload", UNCLASSIFIED, "401 does not judge the image"),
    ("/missing/upload", UNCLASSIFIED, "404 does not judge the image"),
    ("/redirected/upload", UNCLASSIFIED, "301 does not judge the image"),
])
def test_each_answer_of_a_real_web_server_to_an_upload_is_classified(
        unit: int, path: str, expected: Classification, reason: str) -> None:
    answer = client(unit).request("POST", path, files={"image": ("fw.swu", b"\x00" * 4096)})
    taken = classify_upload(answer)
    assert taken.classification is expected and taken.reason.startswith(reason), taken


def settings_change(port: int, path: str) -> HttpInterface:
    declared = interface(port)
    return declared.model_copy(update={"protected": [ProtectedPath(path=path, marker=MARKER,
                                                                   change={"form": {"ntp_server": "{probe}"}})]})


def test_an_unauthenticated_change_refused_and_read_back_from_the_settings_page_passes(unit: int,
                                                                                      tmp_path: Path) -> None:
    access_control.test_protected_settings_refuse_unauthenticated_changes(
        Device(unit), settings_change(unit, "/basic/settings.html"), check_evidence(tmp_path))


def test_a_read_back_that_is_not_the_settings_page_is_inconclusive(unit: int, tmp_path: Path) -> None:
    """A 200 without the marker (a login page served in place of the settings) cannot show the value unchanged;
    the check used to PASS on it."""
    with pytest.raises(Inconclusive, match="lacks the marker"):
        access_control.test_protected_settings_refuse_unauthenticated_changes(
            Device(unit), settings_change(unit, "/login.html"), check_evidence(tmp_path))


@pytest.mark.parametrize(("path", "disclosed"), [
    ("/open/settings.html", True),  # the page carries what the probe's regex reads as the version
    ("/login.html", False),  # a 2xx page without it (a unit in forced-change state serving its change page)
    ("/admin/settings.html", False),  # 403
])
def test_a_version_page_opened_by_the_factory_default_must_show_the_version(unit: int, path: str,
                                                                             disclosed: bool) -> None:
    probe = VersionProbe(path=path, regex=r"wifi_psk=(\S+)</html>")
    assert first_use.discloses_version(client(unit).request("GET", path), probe) is disclosed
