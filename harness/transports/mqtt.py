"""MQTT anonymous access (paho-mqtt, MQTT 3.1.1): may a client without credentials read or change settings?

A broker may grant a SUBACK and a PUBACK yet deliver nothing (mosquitto's ACLs do), so only messages
seen arriving count: the anonymous client reads a topic when a message on it reaches it, and its
publish is accepted when the probe reaches a subscriber (itself, or the declared observer account).
"""

import secrets
import select
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from paho.mqtt.client import CallbackAPIVersion, Client, MQTTMessage
from paho.mqtt.reasoncodes import ReasonCode

from harness.evidence import Transcript
from harness.net.services import printable
from harness.profile import MqttInterface
from harness.scope import LabScope
from harness.transports.outcome import Classification, Classified
from harness.verdict import Inconclusive

MAX_MESSAGES = 64  # a chatty broker's retained messages are evidence, not a reason to keep reading
SHOWN_PAYLOAD = 120
LOOP_TICK_S = 0.05  # how soon a publish queued by another thread is written
# CONNACK return codes (MQTT 3.1.1 §3.2.2.3) as paho reports them (MQTT 5 reason codes): 4 and 5 judge the
# client's credentials; 1 (protocol version), 2 (client identifier) and 3 (server unavailable) do not.
CONNACK_ACCEPTED = {0x00}
CONNACK_REFUSED = {0x86, 0x87}  # bad user name or password, not authorized (mosquitto 2.0 sends 5 for both)


def classify_connack(reason: ReasonCode) -> Classified:
    """Whether the broker accepted the client's CONNECT, from its CONNACK."""
    raw = f"CONNACK {reason} (0x{reason.value:02x})"
    if reason.value in CONNACK_ACCEPTED:
        return Classified(Classification.ACCEPTED, "connection accepted", raw)
    if reason.value in CONNACK_REFUSED:
        return Classified(Classification.REFUSED, f"{reason}: the broker refused the client's credentials", raw)
    return Classified(Classification.UNCLASSIFIED, f"{reason} says nothing of the client's credentials", raw)


@dataclass
class AnonymousAccess:
    """What an anonymous client was seen to do on the unit's configuration topics."""

    connected: bool = False
    connack: str = ""
    read: list[str] = field(default_factory=list)  # topics on which a message reached the anonymous client
    published: list[str] = field(default_factory=list)  # topics on which its probe reached a subscriber
    observed: bool = False  # whether a publish could be seen at all (an observer, or a working subscription)


class MqttSession:
    """One connected client: subscribes, publishes and collects what arrives (bounded)."""

    def __init__(self, client: Client, name: str, transcript: Transcript, timeout_s: float) -> None:
        self.client, self.name, self.transcript, self.timeout_s = client, name, transcript, timeout_s
        self.messages: list[tuple[str, bytes]] = []
        self.arrived = threading.Condition()
        self.subscribed = threading.Event()
        client.on_message, client.on_subscribe = self._on_message, self._on_subscribe

    def _on_message(self, _c: Client, _u: Any, message: MQTTMessage) -> None:
        with self.arrived:
            if len(self.messages) < MAX_MESSAGES:
                self.messages.append((message.topic, message.payload))
                self.transcript.received(f"{self.name}: PUBLISH {message.topic} "
                                         f"{printable(message.payload, SHOWN_PAYLOAD)}")
            self.arrived.notify_all()

    def _on_subscribe(self, _c: Client, _u: Any, _m: int, reasons: list[Any], _p: Any) -> None:
        self.transcript.received(f"{self.name}: SUBACK " + ", ".join(str(reason) for reason in reasons))
        self.subscribed.set()

    def subscribe(self, topics: Sequence[str]) -> None:
        self.transcript.sent(f"{self.name}: SUBSCRIBE " + ", ".join(topics))
        self.client.subscribe([(topic, 1) for topic in topics])
        if not self.subscribed.wait(self.timeout_s):
            raise Inconclusive(f"MQTT: no SUBACK for {self.name} within {self.timeout_s:g} s")

    def publish(self, topics: Sequence[str], payload: str) -> None:
        for topic in topics:
            self.transcript.sent(f"{self.name}: PUBLISH {topic} {payload!r} (QoS 1, not retained)")
            self.client.publish(topic, payload, qos=1).wait_for_publish(self.timeout_s)

    def topics_with(self, payload: str, wanted: Sequence[str]) -> set[str]:
        """The topics of `wanted` on which `payload` arrived, waiting until all did or the timeout."""
        deadline = time.monotonic() + self.timeout_s
        with self.arrived:
            while True:
                seen = {topic for topic, body in self.messages if body == payload.encode()}
                remaining = deadline - time.monotonic()
                if set(wanted) <= seen or remaining <= 0 or len(self.messages) >= MAX_MESSAGES:
                    return seen & set(wanted)
                self.arrived.wait(remaining)


def _network_loop(client: Client, stop: threading.Event) -> None:
    """paho's external-loop API: unlike loop_start(), it opens no loopback wake-up socket pair, which the
    scope guard would refuse (the lab scope does not include 127.0.0.1)."""
    while not stop.is_set():
        sock = client.socket()
        if sock is None:
            return
        readable, writable, _ = select.select([sock], [sock] if client.want_write() else [], [], LOOP_TICK_S)
        if readable:
            client.loop_read()
        if writable:
            client.loop_write()
        client.loop_misc()


class MqttClient:
    """MQTT clients for one declared broker; every exchange goes into the transcript."""

    def __init__(self, address: str, interface: MqttInterface, scope: LabScope, transcript: Transcript,
                 timeout_s: float = 5.0) -> None:
        self.address = str(scope.check(address))
        self.interface = interface
        self.transcript = transcript
        self.timeout_s = timeout_s

    @contextmanager
    def session(self, name: str, username: str | None = None, password: str | None = None
                ) -> Iterator[tuple[MqttSession | None, str]]:
        """The connected session (None when the CONNACK refused it) and the CONNACK; always disconnected."""
        client = Client(CallbackAPIVersion.VERSION2, client_id=f"tekigo-{secrets.token_hex(4)}",
                        reconnect_on_failure=False)
        client.connect_timeout = self.timeout_s
        if username is not None:
            client.username_pw_set(username, password)
        session = MqttSession(client, name, self.transcript, self.timeout_s)
        connected, connack = threading.Event(), []
        client.on_connect = lambda _c, _u, _f, reason, _p: (connack.append(reason), connected.set())
        credentials = f"user name {username!r}" if username is not None else "no user name, no password"
        self.transcript.sent(f"{name}: CONNECT {self.address}:{self.interface.port} (MQTT 3.1.1, {credentials})")
        try:
            client.connect(self.address, self.interface.port, keepalive=30)
        except OSError as error:
            raise Inconclusive(f"MQTT {self.interface.port}: cannot connect ({error})") from error
        stop = threading.Event()
        loop = threading.Thread(target=_network_loop, args=(client, stop), daemon=True)
        loop.start()
        try:
            if not connected.wait(self.timeout_s):
                raise Inconclusive(f"MQTT {self.interface.port}: no CONNACK within {self.timeout_s:g} s")
            answer = classify_connack(connack[0]).decided()
            self.transcript.received(f"{name}: {answer.raw}: {answer.classification.value}")
            yield (session if answer.accepted else None), str(connack[0])
        finally:
            stop.set()
            loop.join(self.timeout_s)
            client.disconnect()  # with no loop thread of paho's own, sent at once from here

    def anonymous_access(self, topics: Sequence[str], observer: tuple[str, str] | None = None) -> AnonymousAccess:
        """Connect anonymously, subscribe to `topics` and publish a probe; `observer` (user, password) watches."""
        access = AnonymousAccess()
        with self.session("anonymous") as (anonymous, connack):
            access.connack = connack
            if anonymous is None:
                return access
            access.connected = True
            anonymous.subscribe(topics)
            if observer is None:
                self._probe(anonymous, None, topics, access)
                return access
            with self.session("observer", *observer) as (watcher, connack):
                if watcher is None:
                    raise Inconclusive(f"MQTT {self.interface.port}: the declared observer was refused ({connack})")
                watcher.subscribe(topics)
                self._probe(anonymous, watcher, topics, access)
        return access

    def _probe(self, anonymous: MqttSession, watcher: MqttSession | None, topics: Sequence[str],
               access: AnonymousAccess) -> None:
        """Anonymous publish seen by the observer (or itself); the observer's publish seen by the anonymous client."""
        probe = f"tekigo-probe-{secrets.token_hex(4)}"
        anonymous.publish(topics, probe)
        published = (watcher or anonymous).topics_with(probe, topics)
        if watcher is not None:
            answer = f"tekigo-probe-{secrets.token_hex(4)}"
            watcher.publish(topics, answer)
            if watcher.topics_with(answer, topics) != set(topics):
                raise Inconclusive("the declared observer does not receive its own messages on the configuration "
                                   "topics, so it cannot show whether an anonymous publish arrives")
            anonymous.topics_with(answer, topics)
        with anonymous.arrived:
            access.read = [t for t in topics if t in {topic for topic, _ in anonymous.messages}]
        access.published = [t for t in topics if t in published]
        access.observed = watcher is not None or bool(access.read)
