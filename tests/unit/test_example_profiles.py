"""The example profiles users copy are valid once their secrets are provided, one per onboarding model."""

import shutil
from pathlib import Path

import pytest

from harness.profile import (
    EquivalentMeasure,
    FirstRunSetup,
    HttpPasswordChange,
    PresetDefault,
    ShellPasswordChange,
    TokenLogin,
    UniquePerUnit,
)
from harness.profile_loader import load_profile

from ..conftest import REPO

EXAMPLES = REPO / "device_profiles/examples"
SECRETS = {"EXAMPLE_CAM_DEFAULT_PASSWORD": "label-password", "EXAMPLE_HUB_NEW_PASSWORD": "Hub-new-4711",
           "EXAMPLE_NVR_NEW_PASSWORD": "Nvr-new-4711", "EXAMPLE_GW_DEFAULT_PASSWORD": "gw-default",
           "EXAMPLE_GW_NEW_PASSWORD": "Gw-new-4711", "C2_000001_LABEL": "x7Kq-label-1",
           "C2_000002_LABEL": "p3Zt-label-2",
           "EXAMPLE_CAM_NEW_PASSWORD": "Cam-new-4711", "EXAMPLE_PLUG_DEFAULT_PASSWORD": "plug-default",
           "EXAMPLE_PLUG_NEW_PASSWORD": "Plug-new-4711"}


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The examples copied beside the secret file the camera reads, with every secret in the environment."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    (folder / "secrets").mkdir()
    (folder / "secrets/new-password").write_text("A-long-new-passphrase\n")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return folder


def test_every_example_is_format_2_and_validates(examples: Path) -> None:
    names = sorted(path.name for path in examples.glob("*.yaml"))
    assert names == ["camera.yaml", "equivalent-measure.yaml", "first-run-wizard.yaml", "no-login-api.yaml",
                     "ssh-only.yaml", "token-api.yaml", "unique-label.yaml"]
    for name in names:
        assert load_profile(examples / name).tekigo_profile == 2


def test_camera_example_validates_with_its_secrets(examples: Path) -> None:
    profile = load_profile(examples / "camera.yaml")
    assert profile.power.driver == "manual"
    assert isinstance(profile.onboarding, PresetDefault)
    assert set(profile.secrets()) == {"new_password", "factory_default"}


def test_no_login_example_declares_every_interface_open(examples: Path) -> None:
    profile = load_profile(examples / "no-login-api.yaml")
    assert profile.login_interfaces() == [] and len(profile.open_interfaces()) == 2
    assert profile.onboarding is None and profile.password_change is None and profile.preset is None
    change = profile.http_interfaces()[0].protected[0].change
    assert change is not None and change.json_body["volume"] == 17 and change.json_body["replay_gain"] is False


def test_first_run_wizard_example_has_no_preset_and_a_csrf_echo(examples: Path) -> None:
    profile = load_profile(examples / "first-run-wizard.yaml")
    assert isinstance(profile.onboarding, FirstRunSetup) and profile.preset is None
    assert profile.account == "admin" and len(profile.onboarding.setup) == 2
    web = profile.http_interfaces()[0]
    assert web.csrf is not None and web.csrf.header == "X-CSRFToken"
    assert set(profile.secrets()) == {"new_password"}


def test_token_example_reads_the_token_by_its_json_path(examples: Path) -> None:
    login = load_profile(examples / "token-api.yaml").http_interfaces()[0].login
    assert isinstance(login, TokenLogin) and login.token == "data.session.id"
    assert login.headers["X-Session"] == "{token}"


def test_ssh_only_example_changes_the_password_with_passwd(examples: Path) -> None:
    profile = load_profile(examples / "ssh-only.yaml")
    assert profile.http_interfaces() == []
    assert isinstance(profile.password_change, ShellPasswordChange) and profile.password_change.dialogue == "passwd"


def test_label_and_measure_examples(examples: Path) -> None:
    label = load_profile(examples / "unique-label.yaml")
    assert isinstance(label.onboarding, UniquePerUnit) and len(label.onboarding.units) == 2
    assert isinstance(label.password_change, HttpPasswordChange)
    measure = load_profile(examples / "equivalent-measure.yaml")
    assert isinstance(measure.onboarding, EquivalentMeasure) and measure.preset is not None
