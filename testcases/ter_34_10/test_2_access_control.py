"""TER-34-10-1: settings can be read or changed only after authentication."""

import pytest

from harness.profile import HttpInterface, ProtectedPath, SshInterface, TelnetInterface
from harness.settings_probe import new_probe, write_probe
from harness.transports.http_answers import classify_protected_read, classify_trick
from harness.verdict import Inconclusive, NotApplicable

pytestmark = pytest.mark.requirement("TER-34-10-1")


@pytest.mark.interfaces("http")
def test_protected_settings_refuse_unauthenticated_reads(device, interface, evidence):
    reads = [p for p in interface.protected if p.read]
    if not reads:
        raise Inconclusive("the profile declares no protected setting to read on this web admin")
    served = []
    client = device.http(interface)
    for protected in reads:
        answer = client.request("GET", protected.path)
        if classify_protected_read(answer, protected.path, protected.marker).decided().accepted:
            served.append(f"GET {protected.path} ({answer.status})")
    assert not served, "protected settings served without authentication: " + ", ".join(served)


@pytest.mark.interfaces("http")
def test_protected_settings_refuse_unauthenticated_changes(device, interface, evidence):
    changes = [p for p in interface.protected if p.change]
    if not changes:
        raise Inconclusive("the profile declares no setting change to attempt on this web admin")
    if interface.login is not None:
        device.ensure_password_changed()
    changed = []
    for protected in changes:
        probe = new_probe()
        client = device.http(interface)
        write_probe(client, protected, probe)
        read_back = protected.read_back or protected.path
        answer = client.request("GET", read_back, session=device.web_session() if interface.login else None)
        if answer.status != 200:
            raise Inconclusive(f"cannot read {read_back} back when logged in ({answer.status})")
        if read_back == protected.path and protected.marker and protected.marker not in answer.body:
            raise Inconclusive(f"{read_back} read back when logged in lacks the marker {protected.marker!r}: "
                               "not the settings page (a login page?), so an unchanged value proves nothing")
        if probe in answer.body:
            changed.append(f"{protected.change.method if protected.change else 'POST'} {protected.change_path} "
                           f"set the setting to {probe}")
    assert not changed, "settings changed without authentication: " + "; ".join(changed)


def test_open_interfaces_are_judged(device, profile, evidence):
    declared = [i for i in profile.open_interfaces() if isinstance(i, HttpInterface | SshInterface | TelnetInterface)]
    if not declared:
        raise NotApplicable("the profile declares no http, ssh or telnet interface open by design (auth: none)")
    opened, refused = [], []
    for interface in declared:
        where = f"{interface.kind}:{interface.port}"
        if isinstance(interface, HttpInterface):
            client = device.http(interface)
            for protected in [p for p in interface.protected if p.read] or [ProtectedPath(path="/")]:
                answer = client.request("GET", protected.path)
                served = classify_protected_read(answer, protected.path, protected.marker)
                if served.accepted or (protected.marker is None and answer.accepted):
                    opened.append(f"{where} GET {protected.path} answered {answer.status} without authentication")
                else:
                    refused.append(f"{where} GET {protected.path} ({served.raw})")
        elif isinstance(interface, SshInterface):
            result = device.ssh(interface).none_auth(interface.username or device.username or "root")
            (opened if result.accepted else refused).append(f"{where} {result.detail}")
        else:
            result = device.telnet(interface).shell_without_login()
            (opened if result.accepted else refused).append(f"{where} {result.detail}")
    assert not opened, "interfaces open without authentication (declared auth: none): " + "; ".join(opened)
    raise Inconclusive("declared open (auth: none), but the unit asked for authentication: " + "; ".join(refused))


@pytest.mark.interfaces("ssh", login=True)
def test_ssh_refuses_none_and_empty_password(device, interface, evidence):
    client = device.ssh(interface)
    username = interface.username or device.username
    none = client.none_auth(username)
    empty = client.login(username, "")
    opened = [r.detail for r in (none, empty) if r.accepted]
    assert not opened, f"SSH lets {username!r} in without a password: " + ", ".join(opened)


@pytest.mark.interfaces("telnet", login=True)
def test_telnet_asks_for_a_login(device, interface, evidence):
    client = device.telnet(interface)
    shell = client.shell_without_login()
    assert not shell.accepted, f"telnet {interface.port}: {shell.detail}"
    empty = client.login(device.username, "")
    assert not empty.accepted, f"telnet {interface.port}: {device.username!r} logs in with an empty password"


def bypass_attempts(path: str) -> list[tuple[str, str, dict[str, str]]]:
    """The usual tricks against a path-based access check: (method, request target, headers)."""
    head, _, last = path.rstrip("/").rpartition("/")
    attempts = [
        ("GET", path.upper(), {}),
        ("GET", f"{head}/{last.swapcase()}", {}),
        ("GET", path.rstrip("/") + "/", {}),
        ("GET", "/" + path, {}),
        ("GET", f"/tekigo/..{path}", {}),
        ("GET", f"{head}/./{last}", {}),
        ("GET", path + "%2f", {}),
        ("HEAD", path, {}),
        *(("POST", path, {header: "GET"}) for header in
          ("X-HTTP-Method-Override", "X-Method-Override", "X-HTTP-Method")),
    ]
    unique = {(method, target, tuple(headers.items())): None for method, target, headers in attempts}
    return [(method, target, dict(headers)) for method, target, headers in unique]


@pytest.mark.interfaces("http")
def test_protected_settings_resist_path_and_method_tricks(device, interface, evidence):
    """A trick FAILs when its answer discloses the page (the marker) or the page is served after the tricks."""
    guarded = [p for p in interface.protected if p.read and p.marker]
    if not guarded:
        raise Inconclusive("the profile declares no protected setting with a `marker` on this web admin")
    client = device.http(interface)
    bypassed = []
    for protected in guarded:
        plain = client.raw("GET", protected.path)
        if classify_protected_read(plain, protected.path, protected.marker).decided().accepted:
            bypassed.append(f"GET {protected.path} (served without any trick)")
            continue
        for method, target, headers in bypass_attempts(protected.path):
            answer = client.raw(method, target, headers)
            trick = f"{method} {target}" + (f" with {next(iter(headers))}: GET" if headers else "")
            read = classify_trick(answer, protected.marker)
            if read.accepted:
                bypassed.append(f"{trick} ({answer.status})")
            elif answer.accepted:
                evidence.finding(f"{trick} answered {read.raw} while GET {protected.path} answered {plain.status}; "
                                 "it disclosed no protected content (informational)")
        after = classify_protected_read(client.raw("GET", protected.path), protected.path, protected.marker)
        if after.accepted:
            bypassed.append(f"GET {protected.path} served after the tricks (one of them changed the unit's state)")
    assert not bypassed, "protected settings reached without authentication: " + ", ".join(bypassed)
