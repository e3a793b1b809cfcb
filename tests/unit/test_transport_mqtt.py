"""The MQTT anonymous-access probe against a real mosquitto on loopback: only delivered messages count."""

import ipaddress
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.evidence import Redactor, Transcript
from harness.profile import MqttInterface
from harness.scope import LabScope
from harness.transports.mqtt import AnonymousAccess, MqttClient

TOPICS = ["unit/config/ntp_server", "unit/config/admin"]
OBSERVER = ("observer", "Obs-3rv3r-pw")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def broker(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[int]:
    """mosquitto on 127.0.0.1: anonymous clients allowed; with `acl`, they may only read public/#."""
    port = free_port()
    config = [f"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false", "user root"]
    if request.param == "acl":
        (tmp_path / "acl").write_text(f"topic read public/#\nuser {OBSERVER[0]}\ntopic readwrite unit/#\n")
        subprocess.run(["mosquitto_passwd", "-b", "-c", str(tmp_path / "passwd"), *OBSERVER], check=True, timeout=10)
        config += [f"acl_file {tmp_path / 'acl'}", f"password_file {tmp_path / 'passwd'}"]
    (tmp_path / "mosquitto.conf").write_text("\n".join(config) + "\n")
    daemon = subprocess.Popen(["mosquitto", "-c", str(tmp_path / "mosquitto.conf")], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while not listening(port):
        assert daemon.poll() is None and time.monotonic() < deadline, "mosquitto did not start"
        time.sleep(0.05)
    yield port
    daemon.kill()
    daemon.wait(timeout=10)


def access(port: int, observer: tuple[str, str] | None = None) -> tuple[AnonymousAccess, str]:
    transcript = Transcript("mqtt", Redactor({"observer": OBSERVER[1]}))
    client = MqttClient("127.0.0.1", MqttInterface(kind="mqtt", port=port, config_topics=TOPICS),
                        LabScope([ipaddress.ip_network("127.0.0.0/8")]), transcript, timeout_s=1.0)
    return client.anonymous_access(TOPICS, observer), transcript.text()


@pytest.mark.parametrize("broker", ["open"], indirect=True)
def test_an_open_broker_lets_anonymous_clients_read_and_publish(broker: int) -> None:
    found, _ = access(broker)
    assert found.connected and found.read == TOPICS and found.published == TOPICS


@pytest.mark.parametrize("broker", ["acl"], indirect=True)
def test_granted_subscriptions_that_deliver_nothing_are_not_reads(broker: int) -> None:
    found, exchanges = access(broker)
    assert "SUBACK Granted QoS 1" in exchanges  # the broker says yes, then delivers nothing
    assert found.connected and (found.read, found.published, found.observed) == ([], [], False)


@pytest.mark.parametrize("broker", ["acl"], indirect=True)
def test_an_observer_shows_that_anonymous_publishes_are_dropped(broker: int) -> None:
    found, exchanges = access(broker, OBSERVER)
    assert (found.read, found.published, found.observed) == ([], [], True)
    assert "observer: PUBLISH unit/config/admin tekigo-probe-" in exchanges and OBSERVER[1] not in exchanges
