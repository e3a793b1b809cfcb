"""Every CONNACK mosquitto sent (recorded in tests/answers/mqtt-connacks.txt) is classified; unclassified ones
make the check INCONCLUSIVE instead of counting as a refused anonymous client."""

from pathlib import Path

import pytest
from paho.mqtt.client import convert_connack_rc_to_reason_code

from harness.transports.mqtt import classify_connack
from harness.transports.outcome import Classification, Unrecognised

RECORDED = Path(__file__).parents[1] / "answers" / "mqtt-connacks.txt"
EXPECTED = {
    "anonymous": Classification.REFUSED, "wrong-password": Classification.REFUSED,
    "unknown-user": Classification.REFUSED, "right-password": Classification.ACCEPTED,
    # the broker turned the packet down before it looked at any credential
    "unknown-protocol-level": Classification.UNCLASSIFIED, "empty-id-kept-session": Classification.UNCLASSIFIED,
}


def recorded() -> dict[str, bytes]:
    lines = [line.split() for line in RECORDED.read_text().splitlines() if line and not line.startswith("#")]
    return {case: bytes.fromhex(answer) for case, answer in lines}


def test_the_recording_has_every_case() -> None:
    assert set(recorded()) == set(EXPECTED)


@pytest.mark.parametrize(("case", "connack"), recorded().items())
def test_each_recorded_connack_is_classified(case: str, connack: bytes) -> None:
    assert connack[:2] == b"\x20\x02"  # CONNACK, remaining length 2 (MQTT 3.1.1 §3.2)
    reason = convert_connack_rc_to_reason_code(connack[3])
    answer = classify_connack(reason)
    assert answer.classification is EXPECTED[case] and answer.raw == f"CONNACK {reason} (0x{reason.value:02x})"


def test_server_unavailable_is_unclassified_with_the_raw_connack() -> None:
    """Return code 3, which mosquitto did not send here (MQTT 3.1.1 §3.2.2.3): the service, not the client."""
    answer = classify_connack(convert_connack_rc_to_reason_code(3))
    with pytest.raises(Unrecognised, match=r"CONNACK Server unavailable \(0x88\)"):
        answer.decided()
