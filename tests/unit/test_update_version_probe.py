"""Version probes: the JSON field, a page regex, an SSH command's output, and their declarations."""

import pytest
from pydantic import ValidationError

from harness.profile import VersionProbe
from harness.transports.outcome import Unrecognised
from harness.update.version_text import version_in_json, version_in_text


def test_json_field_must_be_a_string() -> None:
    assert version_in_json({"firmware_version": "1.1.0"}, "firmware_version", "/api/status") == "1.1.0"
    with pytest.raises(Unrecognised, match="no string field"):
        version_in_json({"firmware_version": 11}, "firmware_version", "/api/status")


def test_regex_takes_the_version_group_or_group_one() -> None:
    page = "<p>Firmware 1.1.0</p><p>Build 77</p>"
    assert version_in_text(page, r"Firmware (\S+)</p>", "/") == "1.1.0"
    assert version_in_text(page, r"(Build) (?P<version>\d+)", "/") == "77"
    with pytest.raises(Unrecognised, match="no match"):
        version_in_text(page, r"Version (\S+)", "/")


def test_command_output_without_regex_is_taken_whole_but_never_empty() -> None:
    assert version_in_text("1.1.0\n", None, "ssh") == "1.1.0"
    with pytest.raises(Unrecognised, match="no usable version"):
        version_in_text("\n", None, "ssh")


@pytest.mark.parametrize("declared", [
    {"path": "/api/status", "json_field": "v"},
    {"path": "/", "regex": r"Firmware (\S+)"},
    {"interface": "ssh", "command": "cat /etc/version"},
    {"interface": "ssh", "command": "cat /flash/firmware.json", "regex": r'"version": "([^"]+)"'},
])
def test_each_probe_form_is_accepted(declared: dict[str, str]) -> None:
    probe = VersionProbe(**declared)
    assert {field: getattr(probe, field) for field in declared} == declared


@pytest.mark.parametrize("declared", [
    {"path": "/api/status"},
    {"path": "/", "json_field": "v", "regex": "(x)"},
    {"json_field": "v"},
    {"interface": "ssh"},
    {"interface": "ssh", "command": "cat /etc/version", "path": "/"},
])
def test_an_ambiguous_or_incomplete_probe_is_refused(declared: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        VersionProbe(**declared)
