"""Every answer miniupnpd gave (recorded in tests/answers/upnp-igd.txt) is parsed and, for AddPortMapping,
classified: only success takes a mapping, only 606/401 refuse, and anything else makes the check INCONCLUSIVE."""

import json
from pathlib import Path

import pytest

from harness.transports.outcome import Classification, Unrecognised
from harness.transports.upnp import SoapReply, classify_mapping, soap_reply

RECORDED = Path(__file__).parents[1] / "answers" / "upnp-igd.txt"
ADDED = {
    "add-allowed": Classification.ACCEPTED, "add-same-port-other-internal-port": Classification.ACCEPTED,
    "add-denied-port": Classification.REFUSED, "unknown-action": Classification.REFUSED,
    # miniupnpd's secure mode refuses another internal client with 718, which also means a plain conflict
    "add-other-client": Classification.UNCLASSIFIED, "add-missing-arguments": Classification.UNCLASSIFIED,
}


def recorded() -> dict[str, SoapReply]:
    lines = [json.loads(line) for line in RECORDED.read_text().splitlines() if line.startswith("{")]
    return {line["case"]: soap_reply(line["action"], line["status"], line["body"].encode()) for line in lines}


@pytest.mark.parametrize("case", ADDED)
def test_each_recorded_answer_to_a_mapping_is_classified(case: str) -> None:
    assert classify_mapping(recorded()[case]).classification is ADDED[case]


def test_lookups_and_deletes_read_as_the_igd_meant_them() -> None:
    replies = recorded()
    assert replies["get-present"].ok and replies["delete-present"].ok
    assert (replies["get-absent"].ok, replies["get-absent"].code) == (False, 714)
    assert replies["add-denied-port"].error == "UPnPError 606 Action not authorized"


def test_an_unclassified_mapping_answer_is_inconclusive_with_the_raw_error() -> None:
    with pytest.raises(Unrecognised, match=r"UPnPError 718 ConflictInMappingEntry \(HTTP 500\)"):
        classify_mapping(recorded()["add-other-client"]).decided()
    assert classify_mapping(SoapReply(401, False, "HTTP 401 without a UPnP error")).refused
    assert classify_mapping(SoapReply(500, False, "HTTP 500 without a UPnP error")).classification is (
        Classification.UNCLASSIFIED)
