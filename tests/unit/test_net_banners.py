"""Banner grabbing names what answers on a port: a greeting, or a reply to the protocol it speaks (on loopback)."""

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from harness.net.banners import MQTT_CONNECT, BannerLimits, grab_all
from harness.scope import LabScope, OutOfScope

LOOPBACK = LabScope([ipaddress.ip_network("127.0.0.0/8")])
FAST = BannerLimits(connect_s=1.0, listen_s=0.3, reply_s=0.5, deadline_s=20.0)


def rtsp(request: bytes) -> bytes | None:
    return b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: TestCam RTSP\r\n\r\n" if request.startswith(b"OPTIONS ") else None


def mqtt(request: bytes) -> bytes | None:
    return bytes([0x20, 2, 0, 0]) if request == MQTT_CONNECT else None


def greeting(request: bytes) -> bytes | None:
    return None


@pytest.fixture
def serve() -> Iterator[Callable[..., int]]:
    """Start a one-protocol TCP server on 127.0.0.1; returns its port."""
    servers: list[socket.socket] = []

    def start(answer: Callable[[bytes], bytes | None], hello: bytes = b"") -> int:
        server = socket.create_server(("127.0.0.1", 0))
        server.settimeout(0.2)
        servers.append(server)

        def loop() -> None:
            while server.fileno() >= 0:
                try:
                    connection, _ = server.accept()
                except OSError:
                    continue
                with connection:
                    connection.settimeout(1.0)
                    try:
                        if hello:
                            connection.sendall(hello)
                        reply = answer(connection.recv(4096))
                        if reply:
                            connection.sendall(reply)
                    except OSError:
                        pass

        threading.Thread(target=loop, daemon=True).start()
        return int(server.getsockname()[1])

    yield start
    for server in servers:
        server.close()


def test_each_service_is_named_by_what_it_answers(serve: Callable[..., int]) -> None:
    ports = {"rtsp": serve(rtsp), "mqtt": serve(mqtt), "ssh": serve(greeting, b"SSH-2.0-OpenSSH_9.2p1\r\n"),
             "unknown": serve(greeting)}
    found = {service.port: service for service in grab_all("127.0.0.1", list(ports.values()), LOOPBACK, FAST)}
    assert {name: found[port].name for name, port in ports.items()} == {
        "rtsp": "rtsp", "mqtt": "mqtt", "ssh": "ssh", "unknown": "unknown"}
    assert found[ports["rtsp"]].detail == "TestCam RTSP"
    assert found[ports["ssh"]].detail == "SSH-2.0-OpenSSH_9.2p1"


def test_grab_refuses_an_address_outside_the_scope() -> None:
    with pytest.raises(OutOfScope):
        grab_all("127.0.0.2", [80], LabScope([ipaddress.ip_network("198.18.0.0/24")]), FAST)
