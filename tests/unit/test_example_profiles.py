"""The example profile users copy is valid once its secrets are provided."""

from pathlib import Path

import pytest

from harness.profile_loader import load_profile

from ..conftest import REPO


def test_camera_example_validates_with_its_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = tmp_path / "camera.yaml"
    example.write_text((REPO / "device_profiles/examples/camera.yaml").read_text(encoding="utf-8"))
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets/new-password").write_text("A-long-new-passphrase\n")
    monkeypatch.setenv("EXAMPLE_CAM_DEFAULT_PASSWORD", "label-password")
    profile = load_profile(example)
    assert profile.power.driver == "manual"
    assert set(profile.secrets()) == {"new_password", "factory_default"}
