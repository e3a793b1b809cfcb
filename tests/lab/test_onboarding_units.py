"""The onboarding reference units on their own: w1, a first-run wizard with no preset credential, and s1,
an SSH-only unit whose published default runs passwd and nothing else until it is changed.

Clients run in the tester namespace (conftest's snippets); the lab holds w1 and s1 only. About 20 s.
"""

from collections.abc import Iterator

import pytest

from harness import lab
from harness.lab.devices import ONBOARDING_UNITS
from harness.lab.topology import device_dir

from .conftest import InTester, power_cycle

pytestmark = [pytest.mark.lab, pytest.mark.timeout(240)]

W1 = ONBOARDING_UNITS["w1"].host.address
S1 = ONBOARDING_UNITS["s1"].host.address
W1_PASSWORD = "Tkg-w1-Lab-4c8e"
S1_PASSWORD = "Nagi-7r3Qx-Lab"  # busybox passwd refuses one like the host name (tkg-s1)

WIZARD = '''
base = "http://" + params["address"]


def setup(session, body, echo=True):
    session.get(base + "/", timeout=5)
    headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")} if echo else {}
    return session.post(base + "/api/setup", json=body, headers=headers, timeout=10)


def login(password, username="admin"):
    answer = http().post(base + "/api/login", json={"username": username, "password": password}, timeout=10)
    return answer.status_code, (answer.json().get("token") if answer.status_code == 200 else None)
'''

SSH = '''
import paramiko


def connect(password):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(params["address"], username="admin", password=password, timeout=5, banner_timeout=5,
                       auth_timeout=10, look_for_keys=False, allow_agent=False)
    except paramiko.AuthenticationException:
        return None
    return client


def run(password, command):
    """(exit status, output) of `command`, with stdin closed at once; None when the login is refused."""
    client = connect(password)
    if client is None:
        return None
    try:
        stdin, out, _ = client.exec_command(command, timeout=10)
        stdin.channel.shutdown_write()
        text = out.read(65536).decode()
        return out.channel.recv_exit_status(), text
    finally:
        client.close()


def passwd_dialogue(password, answers):
    """Run `passwd` on a terminal, answering its prompts in order: (exit status, transcript)."""
    client = connect(password)
    channel = client.get_transport().open_session(timeout=10)
    channel.settimeout(10)
    channel.get_pty()
    channel.exec_command("passwd")
    transcript, pending = "", list(answers)
    deadline = time.monotonic() + 20
    while not channel.exit_status_ready() and time.monotonic() < deadline:
        if channel.recv_ready():
            transcript += channel.recv(4096).decode(errors="replace")
            if pending and transcript.rstrip().endswith(":"):
                channel.sendall(pending.pop(0) + "\\n")
        else:
            time.sleep(0.05)
    while channel.recv_ready():
        transcript += channel.recv(4096).decode(errors="replace")
    status = channel.recv_exit_status() if channel.exit_status_ready() else None
    client.close()
    return status, transcript
'''


@pytest.fixture(scope="module")
def onboarding_lab() -> Iterator[None]:
    with lab.exclusive_lab():
        lab.up(list(ONBOARDING_UNITS))
        yield
        lab.down()


def test_w1_is_unclaimed_until_the_first_user_sets_it_up(onboarding_lab: None, in_tester: InTester) -> None:
    before = in_tester(WIZARD + '''
session = http()
result = {
    "open": session.get(base + "/api/setup", timeout=5).json()["open"],
    "default_login": login("admin")[0],
    "settings": session.get(base + "/api/settings", timeout=5).status_code,
    "no_echo": setup(http(), {"username": "admin", "password": params["password"]}, echo=False).status_code,
    "weak": setup(http(), {"username": "admin", "password": "admin"}).status_code,
}
''', address=W1, password=W1_PASSWORD)
    assert before == {"open": True, "default_login": 401, "settings": 401, "no_echo": 403, "weak": 400}
    claimed = in_tester(WIZARD + '''
created = setup(http(), {"username": "admin", "password": params["password"]})
status, token = login(params["password"])
authorised = {"Authorization": "Bearer " + token}
result = {
    "created": created.status_code,
    "again": setup(http(), {"username": "mallory", "password": "Mallory-takes-it-9"}).status_code,
    "open": http().get(base + "/api/setup", timeout=5).json()["open"],
    "login": status,
    "settings_without_login": http().get(base + "/api/settings", timeout=5).status_code,
    "change": http().post(base + "/api/settings", json={"ntp_server": "ntp.w1.test"}, headers=authorised,
                          timeout=5).status_code,
    "version": http().get(base + "/api/status", headers=authorised, timeout=5).json()["firmware_version"],
    "mallory": login("Mallory-takes-it-9", "mallory")[0],
}
''', address=W1, password=W1_PASSWORD)
    assert claimed == {"created": 200, "again": 409, "open": False, "login": 200, "settings_without_login": 401,
                       "change": 200, "version": "1.0.0", "mallory": 401}


def test_w1_keeps_the_created_account_and_settings_through_a_power_cut(
        onboarding_lab: None, in_tester: InTester) -> None:
    assert (device_dir("w1") / "flash" / "credential.json").is_file(), "runs after the setup test"
    power_cycle("w1")
    after = in_tester(WIZARD + '''
status, token = login(params["password"])
result = {"login": status, "open": http().get(base + "/api/setup", timeout=5).json()["open"],
          "ntp": http().get(base + "/api/settings", headers={"Authorization": "Bearer " + token},
                            timeout=5).json()["ntp_server"]}
''', address=W1, password=W1_PASSWORD)
    assert after == {"login": 200, "open": False, "ntp": "ntp.w1.test"}


def test_s1_is_ssh_only_and_its_default_runs_passwd_and_nothing_else(
        onboarding_lab: None, in_tester: InTester) -> None:
    seen = in_tester(SSH + '''
status, output = run("admin", "id; fw_update --version")
result = {"web": tcp_open(params["address"], 80), "ssh": tcp_open(params["address"], 22),
          "status": status, "output": output}
''', address=S1)
    assert seen["web"] is False and seen["ssh"] is True
    assert "must be changed before first use" in seen["output"] and "Old password" in seen["output"], seen
    assert "uid=" not in seen["output"] and "firmware" not in seen["output"].replace("first use", "")
    assert seen["status"] != 0


def test_s1_password_changes_by_the_passwd_dialogue_and_survives_a_power_cut(
        onboarding_lab: None, in_tester: InTester) -> None:
    changed = in_tester(SSH + '''
weak = passwd_dialogue("admin", ["admin", "abc", "abc"])
status, transcript = passwd_dialogue("admin", ["admin", params["password"], params["password"]])
result = {"weak": weak[0], "status": status, "transcript": transcript,
          "new": run(params["password"], "id -un; fw_update --version"), "old": run("admin", "id")}
''', address=S1, password=S1_PASSWORD)
    assert changed["weak"] != 0
    assert changed["status"] == 0, changed["transcript"]
    assert "New password" in changed["transcript"] and "Retype" in changed["transcript"]
    assert changed["new"] == [0, "admin\nfirmware 1.0.0\n"] and changed["old"] is None
    power_cycle("s1")
    after = in_tester(SSH + '''
result = {"new": run(params["password"], "id -un"), "old": run("admin", "id")}
''', address=S1, password=S1_PASSWORD)
    assert after == {"new": [0, "admin\n"], "old": None}
