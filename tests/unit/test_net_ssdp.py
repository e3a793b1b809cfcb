"""SSDP: the M-SEARCH answers discovery accepts, and what the reference unit's SSDP firmware answers."""

from harness.lab.firmware.ssdp import Responder, headers_of
from harness.net.ssdp import parse_response

RESPONDER = Responder("198.18.0.12", "http://198.18.0.12/upnp/device.xml", "urn:schemas-upnp-org:device:Basic:1",
                      "c7167208-51ff-5437-8a26-7360c4ec79a7", "Linux/6.1 UPnP/1.1 TKG-C1/1.0.0")


def test_firmware_answers_ssdp_all_with_every_target_and_parses_back() -> None:
    answers = [parse_response("198.18.0.12", answer) for answer in RESPONDER.answers("ssdp:all")]
    assert [a.search_target for a in answers if a] == [
        "upnp:rootdevice", "uuid:c7167208-51ff-5437-8a26-7360c4ec79a7", "urn:schemas-upnp-org:device:Basic:1"]
    assert {a.location for a in answers if a} == {"http://198.18.0.12/upnp/device.xml"}
    assert answers[0] and answers[0].usn == "uuid:c7167208-51ff-5437-8a26-7360c4ec79a7::upnp:rootdevice"


def test_firmware_answers_only_the_target_searched_for() -> None:
    assert len(RESPONDER.answers("upnp:rootdevice")) == 1
    assert RESPONDER.answers("urn:schemas-upnp-org:device:MediaServer:1") == []


def test_firmware_announces_itself_with_ssdp_alive() -> None:
    notices = RESPONDER.alive()
    assert len(notices) == 3
    assert all(headers_of(notice)["NTS"] == "ssdp:alive" for notice in notices)


def test_parse_refuses_what_is_not_a_search_answer() -> None:
    assert parse_response("198.18.0.12", b"NOTIFY * HTTP/1.1\r\nUSN: x\r\nLOCATION: y\r\n\r\n") is None
    assert parse_response("198.18.0.12", b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n") is None
