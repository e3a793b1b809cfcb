"""The format-2 runtime against a real first-run unit (w1): the wizard declared with `{csrf}` where the unit wants
the cookie echoed, a JSON-path probe of whether it is open, a token login by JSON path, and a second setup refused.

The lab holds w1 only; the harness's own Device runs in the tester namespace. About 15 s of lab time.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import lab
from harness.lab.devices import ONBOARDING_UNITS

from .conftest import InTester

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]

W1 = ONBOARDING_UNITS["w1"].host.address
PROFILE = f"""\
tekigo_profile: 2
equipment: {{name: hub, model: TKG-W1, manufacturer: tekigo reference lab, serial: W1-000001, firmware_version: 1.0.0}}
unit: {{address: {W1}}}
lab: {{networks: [198.18.0.0/24]}}
interfaces:
  - kind: http
    port: 80
    csrf: {{cookie: csrftoken, page: /}}
    login:
      method: token
      request: {{path: /api/login, json: {{username: "{{username}}", password: "{{password}}"}}}}
      token: token
    protected:
      - {{path: /api/settings, marker: ntp_server, change: {{json: {{ntp_server: "{{probe}}"}}}}}}
onboarding:
  model: first_run_setup
  account: {{username: admin}}
  open_probe: {{path: /api/setup}}
  open_json: open
  setup:
    - path: /api/setup
      headers: {{X-CSRFToken: "{{csrf}}"}}
      json: {{username: "{{username}}", password: "{{new_password}}"}}
new_password: Tkg-w1-Runtime-71
power: {{driver: manual}}
"""

RUNTIME = '''
from pathlib import Path
from harness.device import Device
from harness.evidence import Redactor, Transcript
from harness.first_run_setup import run_setup, setup_open
from harness.profile_loader import load_profile
from harness.scope import LabScope
from harness.settings_probe import write_probe

profile = load_profile(Path(params["profile"]))
device = Device(profile, LabScope(profile.lab.networks), Transcript("w1", Redactor(profile.secrets())))
client = device.setup_client()
setup = profile.onboarding
open_before = setup_open(client, setup)
refused_before = device.web.login("admin", "Tkg-w1-Runtime-71")[0].accepted
claim = device.claim_setup("Tkg-w1-Runtime-71")
session = device.web_session()
write_probe(device.web, profile.http_interfaces()[0].protected[0], "ntp.runtime.test", session)
settings = device.web.request("GET", "/api/settings", session=session).json()
replay = run_setup(client, setup, "mallory", "Mallory-takes-it-9")
result = {"open_before": open_before, "login_before": refused_before, "claimed": claim.accepted,
          "steps": list(claim.steps), "state": device.state.declared(profile), "token": session.token is not None,
          "ntp": settings.get("ntp_server"), "open_after": setup_open(client, setup),
          "replay": [replay.accepted, list(replay.steps)],
          "evidence": Redactor(profile.secrets())(device.transcript.text())}
'''


@pytest.fixture(scope="module")
def w1_only() -> Iterator[None]:
    with lab.exclusive_lab():
        lab.up(["w1"])
        yield
        lab.down()


def test_the_declared_wizard_claims_w1_then_the_token_login_works_and_the_setup_is_closed(
        w1_only: None, in_tester: InTester, tmp_path: Path) -> None:
    profile = tmp_path / "w1-runtime.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    seen = in_tester(RUNTIME, profile=str(profile))
    assert seen["open_before"] is True and seen["login_before"] is False
    assert seen["claimed"] is True and seen["steps"] == ["POST /api/setup: 200"]
    assert seen["state"]["credential"] == "new_password" and seen["state"]["password_changed"] is True
    assert seen["token"] is True and seen["ntp"] == "ntp.runtime.test"
    assert seen["open_after"] is False
    assert seen["replay"] == [False, ["POST /api/setup: 409"]]
    assert "Tkg-w1-Runtime-71" not in seen["evidence"], "the created password is redacted from the evidence"
