"""Service classification from a port's first bytes, and how untrusted banners are shown."""

import pytest

from harness.net.services import classify, printable

MQTT_CONNACK_ACCEPTED = bytes([0x20, 0x02, 0x00, 0x00])


@pytest.mark.parametrize(("reply", "expected"), [
    (b"SSH-2.0-dropbear_2022.83\r\n", ("ssh", "SSH-2.0-dropbear_2022.83")),
    (b"HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\nServer: TKG-R1 WebAdmin/1.0\r\n\r\n",
     ("http", "TKG-R1 WebAdmin/1.0")),
    (b"HTTP/1.1 200 OK\r\n\r\n", ("http", "")),
    (b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: GStreamer RTSP server\r\n\r\n", ("rtsp", "GStreamer RTSP server")),
    (b"\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01", ("telnet", "")),
    (b"TKG-C1 (tkg-c1)\r\ntkg-c1 login: ", ("telnet", "")),
    (MQTT_CONNACK_ACCEPTED, ("mqtt", "CONNACK return code 0")),
    (b"220 (vsFTPd 3.0.3)\r\n", ("ftp", "220 (vsFTPd 3.0.3)")),
    (b"220 mail.example ESMTP Postfix\r\n", ("smtp", "220 mail.example ESMTP Postfix")),
])
def test_known_protocols_are_named(reply: bytes, expected: tuple[str, str]) -> None:
    assert classify(reply) == expected


@pytest.mark.parametrize("reply", [b"", b"\x00\x01garbage", b"hello"])
def test_unknown_bytes_are_not_guessed(reply: bytes) -> None:
    assert classify(reply) is None


def test_printable_escapes_control_bytes_and_shortens() -> None:
    assert printable(b"\xff\xfb\x01hi\r\nthere") == "\\xff\\xfb\\x01hi\\nthere"
    assert printable(b"A" * 500, limit=10) == "A" * 10 + "..."
