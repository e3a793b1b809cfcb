"""Declaring the SNMP version probe: its community is a secret, and it needs a declared snmp interface."""

import os
from pathlib import Path

import pytest

from harness.profile_loader import load_profile
from harness.transports.snmp import Answer

from .test_profile import problems, write
from .test_transport_snmp import agent, client  # noqa: F401  (the loopback snmpd fixture)

HTTP_PROBE = "  version: {path: /api/status, json_field: firmware_version}"
SNMP_PROBE = "  version: {interface: snmp, community: r1-ro-secret, regex: 'firmware (\\S+)'}"
SNMP_INTERFACE = "  - kind: snmp   # read-only 'public' community; SETs are refused\n    port: 161\n"


def test_snmp_probe_reads_sysdescr_and_its_community_is_redacted(tmp_path: Path, reference_profile_text: str) -> None:
    assert HTTP_PROBE in reference_profile_text and SNMP_INTERFACE in reference_profile_text
    profile = load_profile(write(tmp_path, reference_profile_text.replace(HTTP_PROBE, SNMP_PROBE)))
    assert profile.firmware.version.oid == "1.3.6.1.2.1.1.1.0"
    assert profile.secrets()["version_community"] == "r1-ro-secret"


def test_snmp_probe_without_an_snmp_interface_names_the_probes_line(
        tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace(HTTP_PROBE, SNMP_PROBE).replace(SNMP_INTERFACE, "")
    path = write(tmp_path, text)
    line = text.splitlines().index("firmware:") + 2
    assert any(p.startswith(f"{path}:{line}: firmware.version.interface: ") and "declare an snmp interface" in p
               for p in problems(path))


@pytest.mark.parametrize("probe", [
    "{interface: snmp, regex: 'firmware (\\S+)'}",
    "{interface: snmp, community: public, path: /api/status}",
    "{interface: snmp, community: public, oid: sysDescr}",
])
def test_snmp_probe_needs_a_community_and_nothing_of_the_other_probes(
        tmp_path: Path, reference_profile_text: str, probe: str) -> None:
    text = reference_profile_text.replace(HTTP_PROBE, f"  version: {probe}")
    line = text.splitlines().index(f"  version: {probe}") + 1
    assert any(f":{line}: firmware.version" in p for p in problems(write(tmp_path, text)))


@pytest.mark.parametrize("agent", [["rocommunity Unit-0wn-ro"]], indirect=True)
def test_the_client_reads_one_object_or_says_why_not(agent: int) -> None:  # noqa: F811  (the fixture)
    snmp = client(agent)
    assert snmp.read("1.3.6.1.2.1.1.1.0", "Unit-0wn-ro").value == " ".join(os.uname())  # net-snmp's sysDescr
    assert snmp.read("1.3.6.1.2.1.1.99.0", "Unit-0wn-ro") == Answer(None, "the agent has no object 1.3.6.1.2.1.1.99.0")
    assert snmp.read("1.3.6.1.2.1.1.1.0", "nope").error.startswith("no answer")
