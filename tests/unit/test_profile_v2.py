"""Profile format 2: every new construct loads, every mistake names file, line and field; format 1 still
loads and upgrades to the same declaration."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness.profile import FirstRunSetup, HttpPasswordChange, PresetDefault, ShellPasswordChange, TokenLogin
from harness.profile_loader import ProfileError, load_profile

from ..conftest import REFERENCE_PROFILES

BASE = """\
tekigo_profile: 2
equipment: {name: Unit, model: M-1, manufacturer: Maker, serial: S-1, firmware_version: 1.0.0}
unit: {address: 198.18.0.80}
lab: {networks: [198.18.0.0/24]}
interfaces:
  - kind: http
    port: 8080
    login:
      method: token
      request:
        path: /api/login
        json: {user: "{username}", password: "{password}", remember: false}
      token: data.tokens[0].id
  - kind: ssh
    port: 22
onboarding:
  model: preset_default
  default: {username: admin, password: admin, published: true}
new_password: Unit-new-4711
password_change:
  request:
    method: PUT
    path: /api/users/{username}
    json: {old: "{current_password}", new: "{new_password}", level: 3}
power: {driver: manual}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, text))
    return [str(problem) for problem in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_base_document_loads_with_its_new_constructs(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, BASE))
    login = profile.http_interfaces()[0].login
    assert isinstance(login, TokenLogin) and login.headers == {"Authorization": "Bearer {token}"}
    assert isinstance(profile.onboarding, PresetDefault) and profile.account == "admin"
    assert isinstance(profile.password_change, HttpPasswordChange)
    assert profile.password_change.request.json_body["level"] == 3 and profile.firmware is None


def test_an_open_interface_needs_no_login(tmp_path: Path) -> None:
    text = BASE.replace("    login:\n      method: token", "    auth: none\n    xlogin:\n      method: token")
    text = text.split("    xlogin:")[0] + "  - kind: ssh" + BASE.split("  - kind: ssh")[1]
    shell = "password_change: {over: ssh, dialogue: passwd}\npower: {driver: manual}\n"
    text = text.split("password_change:")[0] + shell
    profile = load_profile(write(tmp_path, text))
    assert [i.kind for i in profile.open_interfaces()] == ["http"]
    assert [i.kind for i in profile.login_interfaces()] == ["ssh"]


def test_login_and_auth_none_together_are_refused_at_the_interface(tmp_path: Path) -> None:
    text = BASE.replace("    port: 8080\n", "    port: 8080\n    auth: none\n")
    found = problems(tmp_path, text)
    assert f"{tmp_path / 'unit.yaml'}:{line_of(text, '- kind: http')}: interfaces[0]: " in found[0]
    assert "one of them" in found[0]


def test_every_interface_open_needs_no_onboarding(tmp_path: Path) -> None:
    head = BASE.split("interfaces:")[0]
    text = head + "interfaces:\n  - {kind: telnet, auth: none}\n  - {kind: ssh, auth: none}\npower: {driver: manual}\n"
    profile = load_profile(write(tmp_path, text))
    assert profile.onboarding is None and profile.preset is None and profile.secrets() == {}


def test_a_login_without_onboarding_is_refused(tmp_path: Path) -> None:
    text = BASE.split("onboarding:")[0] + "power: {driver: manual}\n"
    found = problems(tmp_path, text)
    assert any(": onboarding: an interface with a login needs `onboarding`" in p for p in found), found


def test_a_unit_without_a_network_password_change_declares_none(tmp_path: Path) -> None:
    text = BASE.split("new_password:")[0] + "power: {driver: manual}\n"
    profile = load_profile(write(tmp_path, text))
    assert profile.password_change is None and profile.new_password is None and profile.firmware is None
    without_password = BASE.replace("new_password: Unit-new-4711\n", "")
    found = problems(tmp_path, without_password)
    assert any(": new_password: a password change or a first-run setup needs `new_password`" in p for p in found)


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("token: data.tokens[0].id", "token: data..id", "interfaces[0].login.token", "JSON path"),
    ("token: data.tokens[0].id", "session_cookie: sid\n      token: a", "interfaces[0].login.token", "one of them"),
    ('remember: false}', 'remember: false, x: "{nonce}"}', "interfaces[0].login.request",
     "unknown placeholder {nonce}"),
    ('json: {user: "{username}"', 'form: {a: b}\n        json: {user: "{username}"', "interfaces[0].login.request",
     "one body at most"),
    ("      token: data.tokens[0].id", "      token: a\n      headers: {Authorization: Bearer}",
     "interfaces[0].login.headers", "{token}"),
    ('new: "{new_password}", level: 3}', 'level: 3}', "password_change", "carries {new_password}"),
    ('new: "{new_password}", level: 3}', 'new: "{new_password}", t: "{probe}"}', "password_change",
     "no value for {probe}"),
    ('new: "{new_password}", level: 3}', 'new: "{new_password"}', "password_change.request", "malformed"),
    ("new_password: Unit-new-4711", "new_password: admin", "new_password", "differ from the preset"),
])
def test_mistakes_name_file_line_and_field(tmp_path: Path, old: str, new: str, field: str, message: str) -> None:
    assert old in BASE
    text = BASE.replace(old, new)
    found = [p for p in problems(tmp_path, text) if f": {field}: " in p]
    assert found and message in found[0], problems(tmp_path, text)
    line = int(found[0].split(":")[1])
    assert line > 1, found[0]  # the field's own line, never the top of the file


def test_a_raw_body_needs_its_content_type(tmp_path: Path) -> None:
    text = BASE.replace('    json: {old: "{current_password}", new: "{new_password}", level: 3}',
                        '    body: "<pw>{new_password}</pw>"')
    assert any("content_type" in p for p in problems(tmp_path, text))
    load_profile(write(tmp_path, text.replace('    body: "<pw>', '    content_type: text/xml\n    body: "<pw>')))


@pytest.mark.parametrize(("change", "message"), [
    ("{over: ssh, dialogue: passwd}", None),
    ("{over: ssh, port: 22, command: \"echo {username}:{new_password} | chpasswd\", success: 'ok'}", None),
    ("{over: ssh, dialogue: passwd, command: passwd}", "one of them"),
    ("{over: ssh, command: passwd}", "carries {new_password}"),
    ("{over: ssh, port: 2222, dialogue: passwd}", "over ssh on port 2222"),
    ("{over: telnet, dialogue: passwd}", "over telnet"),
    ("{over: ssh, dialogue: passwd, success: '('}", "regular expression"),
])
def test_password_change_over_a_shell(tmp_path: Path, change: str, message: str | None) -> None:
    text = BASE.split("password_change:")[0] + f"password_change: {change}\npower: {{driver: manual}}\n"
    if message is None:
        assert isinstance(load_profile(write(tmp_path, text)).password_change, ShellPasswordChange)
    else:
        found = problems(tmp_path, text)
        line = line_of(text, "password_change:")
        assert any(f":{line}: password_change" in p and message in p for p in found), found


SETUP = """\
onboarding:
  model: first_run_setup
  account: {username: owner}
  open_probe: {method: GET, path: /api/setup}
  setup:
    - {method: GET, path: /}
    - {path: /api/setup, json: {name: "{username}", password: "{new_password}", csrf: "{csrf}"}}
"""


def test_first_run_setup_has_no_preset(tmp_path: Path) -> None:
    text = BASE.replace(BASE[BASE.index("onboarding:"):BASE.index("new_password:")], SETUP)
    profile = load_profile(write(tmp_path, text))
    assert isinstance(profile.onboarding, FirstRunSetup) and profile.preset is None and profile.account == "owner"
    without = text.replace('password: "{new_password}", ', "")
    assert any("put {new_password} in one of its requests" in p for p in problems(tmp_path, without))
    no_probe = text.replace("  open_probe: {method: GET, path: /api/setup}", "  open_json: state.open")
    assert any(f":{line_of(no_probe, 'open_json')}: onboarding.open_json: `open_json` reads the answer of "
               "`open_probe`" in p for p in problems(tmp_path, no_probe))
    elsewhere = text.replace("  account: {username: owner}", "  interface: 9000\n  account: {username: owner}")
    assert any(f":{line_of(elsewhere, 'interface: 9000')}: onboarding.interface: the first-run setup runs on a "
               "declared http" in p for p in problems(tmp_path, elsewhere))


def test_format_1_constructs_of_format_2_are_refused_and_the_format_is_named(tmp_path: Path) -> None:
    v1 = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    found = problems(tmp_path, v1.replace("  - kind: ssh\n", "  - kind: ssh\n    auth: none\n"))
    assert any("tekigo_profile: 2" in p for p in found)
    found = problems(tmp_path, v1.replace("tekigo_profile: 1", "tekigo_profile: 3"))
    assert found == [f"{tmp_path / 'unit.yaml'}:{line_of(v1, 'tekigo_profile')}: tekigo_profile: the profile format: "
                     "1 or 2 (got 3)"]


@pytest.mark.parametrize("path", sorted(REFERENCE_PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_format_1_upgrades_to_the_same_declaration(tmp_path: Path, path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "upgrade", str(path)],
                          capture_output=True, text=True, timeout=60, check=True)
    upgraded = tmp_path / path.name
    upgraded.write_text(done.stdout, encoding="utf-8")
    assert yaml.safe_load(done.stdout)["tekigo_profile"] == 2
    assert load_profile(upgraded) == load_profile(path)


def test_format_1_placeholders_and_literal_braces_are_upgraded(tmp_path: Path) -> None:
    v1 = (REFERENCE_PROFILES / "r1-router.yaml").read_text(encoding="utf-8")
    assert "{current}" in v1 and "change: {" in v1
    text = v1.replace('"{current}"', '"{current}{{x}}"')
    change = load_profile(write(tmp_path, text)).password_change
    assert isinstance(change, HttpPasswordChange) and change.request.form is not None
    assert "{current_password}{{x}}" in change.request.form.values()
