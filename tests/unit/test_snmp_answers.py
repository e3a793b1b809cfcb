"""Every answer net-snmp gives a SET (recorded in tests/answers/snmp-sets.txt) is classified as issue 14 decided."""

from pathlib import Path

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from harness.transports.outcome import Classification, Unrecognised
from harness.transports.snmp import SNMP_V1, SNMP_V2C, classify_set

RECORDED = Path(__file__).parents[1] / "answers" / "snmp-sets.txt"
ACCEPTED, REFUSED, UNCLASSIFIED = Classification.ACCEPTED, Classification.REFUSED, Classification.UNCLASSIFIED
EXPECTED = {
    ("rw-writable", "v2c"): ACCEPTED, ("rw-fixed", "v2c"): ACCEPTED, ("ro", "v2c"): REFUSED,
    ("rw-writable", "v1"): ACCEPTED,
    # RFC 3584 §4.4: v1 says noSuchName both to a read-only community and to a fixed object.
    ("rw-fixed", "v1"): UNCLASSIFIED, ("ro", "v1"): UNCLASSIFIED,
}


def recorded() -> list[tuple[str, str, bytes | None]]:
    """(case, version, answer datagram or None) for each recorded SET."""
    lines = [line.split() for line in RECORDED.read_text().splitlines() if line and not line.startswith("#")]
    return [(case, version, None if answer == "-" else bytes.fromhex(answer)) for case, version, _, _, answer in lines]


def error_status(datagram: bytes) -> tuple[int, int]:
    """The message version and the error-status of a recorded answer."""
    version = int(api.decodeMessageVersion(datagram))
    module = api.PROTOCOL_MODULES[version]
    message, _ = decoder.decode(datagram, asn1Spec=module.Message())
    return version, int(module.apiPDU.get_error_status(module.apiMessage.get_pdu(message)))


@pytest.mark.parametrize(("case", "version", "datagram"), [r for r in recorded() if r[2] is not None],
                         ids=lambda value: value if isinstance(value, str) else "")
def test_each_recorded_answer_is_classified(case: str, version: str, datagram: bytes) -> None:
    message_version, status = error_status(datagram)
    assert message_version == {"v1": SNMP_V1, "v2c": SNMP_V2C}[version]
    assert classify_set(message_version, status, agent_answers=True).classification is EXPECTED[(case, version)]


def test_the_recording_covers_every_case_and_net_snmp_ignores_an_unknown_community() -> None:
    answers = {(case, version): datagram for case, version, datagram in recorded()}
    assert set(answers) == set(EXPECTED) | {("unknown-community", "v1"), ("unknown-community", "v2c")}
    assert answers[("unknown-community", "v1")] is None and answers[("unknown-community", "v2c")] is None


def test_silence_is_a_refusal_only_from_an_agent_that_answers_something_else() -> None:
    assert classify_set(SNMP_V2C, None, agent_answers=True).classification is REFUSED
    silent = classify_set(SNMP_V2C, None, agent_answers=False)
    assert silent.classification is UNCLASSIFIED
    with pytest.raises(Unrecognised, match="the unit answered 'no answer'"):
        silent.decided()


@pytest.mark.parametrize(("version", "status", "expected"), [
    (SNMP_V2C, 16, REFUSED),  # authorizationError
    (SNMP_V2C, 7, ACCEPTED), (SNMP_V2C, 11, ACCEPTED), (SNMP_V2C, 14, ACCEPTED),  # wrongType, noCreation, commitFailed
    (SNMP_V2C, 5, UNCLASSIFIED), (SNMP_V2C, 1, UNCLASSIFIED), (SNMP_V2C, 2, UNCLASSIFIED),  # genErr, tooBig, v1 codes
    (SNMP_V2C, 99, UNCLASSIFIED),
    (SNMP_V1, 3, ACCEPTED), (SNMP_V1, 4, UNCLASSIFIED), (SNMP_V1, 6, UNCLASSIFIED), (SNMP_V1, 5, UNCLASSIFIED),
])
def test_error_statuses_net_snmp_did_not_send_here_follow_rfc_3416_and_3584(version: int, status: int,
                                                                           expected: Classification) -> None:
    answer = classify_set(version, status, agent_answers=True)
    assert answer.classification is expected and f"({status})" in answer.raw
