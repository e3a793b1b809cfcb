"""`tekigo discover --write-profile` drafts a format-2 profile: what the unit announced is filled in, every
other field is a TODO that `profile validate` names at its line."""

import ipaddress
from pathlib import Path

import pytest
import yaml

from harness.net.discovery import Unit
from harness.net.mdns import Announced
from harness.net.profile_draft import draft_profile
from harness.profile_loader import ProfileError, load_profile

LAN = ipaddress.ip_network("198.18.0.0/24")


def announced(address: str, *kinds: tuple[str, int], model: str = "") -> Unit:
    services = [Announced(f"unit {kind}", kind, "unit.local", port, (address,), {"model": model} if model else {})
                for kind, port in kinds]
    return Unit(address, "", "unit.local", services, [])


def validation_problems(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("UNIT_NEW_PASSWORD", "Tkg-draft-Lab-1")
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    lines = text.splitlines()
    for problem in caught.value.problems:
        assert problem.message.startswith("still TODO") and problem.field, problem
        assert "TODO" in lines[problem.line - 1], problem  # named at the very line to fill in
    return [problem.field for problem in caught.value.problems]


def test_a_web_and_ssh_unit_is_drafted_with_a_web_password_change(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    text = draft_profile(announced("198.18.0.11", ("_http._tcp", 80), ("_ssh._tcp", 22), model="TKG-R1"), LAN)
    draft = yaml.safe_load(text)
    assert draft["tekigo_profile"] == 2 and draft["equipment"]["model"] == "TKG-R1"
    assert draft["password_change"]["over"] == "http"
    assert draft["password_change"]["request"]["json"] == {"current_password": "{current_password}",
                                                           "new_password": "{new_password}"}
    left = validation_problems(tmp_path, text, monkeypatch)
    assert "onboarding.model" in left and "interfaces[0].login.method" in left
    assert "password_change.request.path" in left and "firmware.version" in left


def test_an_ssh_only_unit_is_drafted_with_the_passwd_dialogue(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    text = draft_profile(announced("198.18.0.72", ("_ssh._tcp", 22)), LAN)
    draft = yaml.safe_load(text)
    assert draft["interfaces"] == [{"kind": "ssh", "port": 22}]
    assert draft["password_change"] == {"over": "ssh", "dialogue": "passwd"}
    assert validation_problems(tmp_path, text, monkeypatch) == [
        "equipment.name", "equipment.model", "equipment.manufacturer", "equipment.serial",
        "equipment.firmware_version", "onboarding.model", "firmware.version", "firmware.update"]
