"""Loading and validating device profiles: bad input names file, line and field."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.profile_loader import ProfileError, load_profile, profile_schema

from ..conftest import REFERENCE_PROFILES


@pytest.mark.parametrize("path", sorted(REFERENCE_PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_reference_profiles_are_valid_and_declare_expected_verdicts(path: Path) -> None:
    profile = load_profile(path)
    assert profile.expected is not None
    assert set(profile.expected) == {"TER-34-10-1", "TER-34-10-2", "TER-34-10-3", "TER-34-10-4", "overall"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return [str(problem) for problem in caught.value.problems]


def test_unknown_key_is_reported_with_its_line(tmp_path: Path, reference_profile_text: str) -> None:
    path = write(tmp_path, reference_profile_text.replace("  serial: R1-000001", "  serail: R1-000001"))
    found = problems(path)
    line = reference_profile_text.splitlines().index("  serial: R1-000001") + 1
    assert f"{path}:{line}: equipment.serail: unknown field" in "\n".join(found)
    assert any("equipment.serial: required field is missing" in p for p in found)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("port: 22\n", "port: 70000\n").replace("method: form", "method: formm")
    found = problems(write(tmp_path, text))
    assert any("interfaces[1].port" in p and "65535" in p for p in found)
    assert any("interfaces[0].login" in p and "formm" in p for p in found)


def test_unit_outside_the_lab_networks_is_refused(tmp_path: Path, reference_profile_text: str) -> None:
    found = problems(write(tmp_path, reference_profile_text.replace("198.18.0.11", "127.0.0.2")))
    assert any("outside lab.networks" in p for p in found)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "tekigo_profile: 1\nequipment: [\n"))
    assert found[0].startswith(f"{tmp_path / 'unit.yaml'}:3:") and "not valid YAML" in found[0]


def test_secret_from_environment(tmp_path: Path, reference_profile_text: str, monkeypatch) -> None:
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", "new_password: {env: TKG_TEST_NEW}")
    path = write(tmp_path, text)
    assert any("environment variable TKG_TEST_NEW is not set" in p for p in problems(path))
    monkeypatch.setenv("TKG_TEST_NEW", "from-the-environment")
    assert load_profile(path).new_password.get_secret_value() == "from-the-environment"


def test_secret_from_file_relative_to_the_profile(tmp_path: Path, reference_profile_text: str) -> None:
    (tmp_path / "new-password").write_text("from-a-file\n", encoding="utf-8")
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", "new_password: {file: new-password}")
    profile = load_profile(write(tmp_path, text))
    assert profile.new_password.get_secret_value() == "from-a-file"
    assert "from-a-file" not in repr(profile)


def test_secret_values_are_not_echoed_in_errors(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", "new_password: [Tkg-secret-xyz]")
    found = problems(write(tmp_path, text))
    assert any(p.split(": ")[1] == "new_password" for p in found)
    assert not any("Tkg-secret-xyz" in p for p in found)


def test_a_secret_inside_an_invalid_object_is_not_echoed(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace(
        "version: {path: /api/status, json_field: firmware_version}",
        "version: {interface: snmp, community: Tkg-community-xyz, path: /api/status}")
    found = problems(write(tmp_path, text))
    assert any("firmware.version" in p for p in found)
    assert not any("Tkg-community-xyz" in p for p in found)


def test_schema_forbids_unknown_keys() -> None:
    schema = profile_schema()
    assert schema["additionalProperties"] is False
    assert "interfaces" in schema["required"]


def test_cli_validate_exits_4_with_one_line_per_problem(tmp_path: Path, reference_profile_text: str) -> None:
    path = write(tmp_path, reference_profile_text.replace("  model: TKG-R1", "  modle: TKG-R1"))
    done = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 4
    lines = [line for line in done.stderr.splitlines() if line.startswith(str(path))]
    assert len(lines) == 2, done.stderr
    schema = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "schema"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(schema.stdout)["title"] == "tekigo device profile v2"
