"""The CoAP probe: a well-formed resource-discovery GET, and its answer read into a one-line detail."""

from harness.net.udp_probes import PROBES


def coap():
    return next(p for p in PROBES if p.name == "coap")


def test_coap_probe_is_a_confirmable_get_of_well_known_core() -> None:
    request = coap().request("198.18.0.61")
    assert coap().port == 5683
    assert request[0] == 0x40 and request[1] == 0x01  # version 1, confirmable, no token; code 0.01 GET
    assert request[4:].replace(b"\x04", b"/") == b"\xbb.well-known/core"


def test_coap_answer_detail_shows_the_code_and_resources() -> None:
    content = bytes([0x60, 0x45, 0x7E, 0x6B, 0xC1, 0x28, 0xFF]) + b"</config>;rt=\"lwm2m\""
    assert coap().detail(content) == 'CoAP 2.05, resources </config>;rt="lwm2m"'
    assert coap().detail(bytes([0x60, 0x84, 0x7E, 0x6B])) == "CoAP 4.04"
    assert coap().detail(b"\x00\x01") == "answered (not a CoAP message)"
