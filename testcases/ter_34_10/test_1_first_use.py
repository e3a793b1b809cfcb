"""TER-34-10-2: the preset ID/password must be changed at first use, be unique per unit, or be met by an
equivalent measure the operator records (declared, never tested)."""

import hashlib
import itertools
import secrets

import pytest

from harness.credentials.dictionary import load_dictionary
from harness.transports.http import HttpClient
from harness.transports.http_answers import classify_protected_read
from harness.verdict import Inconclusive, NotApplicable

pytestmark = pytest.mark.requirement("TER-34-10-2")
SWEEP_DICTIONARY = "notice"


def test_factory_default_only_opens_the_password_change(device, profile, evidence):
    if profile.first_use.claim != "forced_change":
        raise NotApplicable(f"the vendor claims {profile.first_use.claim}, not a forced change")
    result, session = device.web.login(device.username, device.factory_password)
    if not result.accepted or session is None:
        raise Inconclusive("the factory default was refused before first use: is the unit in factory state?")
    evidence.transcript.note("logged in with the factory default; anything but the password change must fail")

    opened = []
    version_probe = profile.firmware.version
    if version_probe.interface == "http" and version_probe.path is not None:
        version = device.web.request("GET", version_probe.path, session=session)
        if 200 <= version.status < 300:
            opened.append(f"GET {version_probe.path} ({version.status})")
    else:  # an ssh probe's login is tried below; an snmp probe needs no password
        evidence.transcript.note(f"the version is read over {version_probe.interface}, not a web page: no page to try")
    probes = {}
    for protected in device.web.interface.protected:
        answer = device.web.request("GET", protected.path, session=session)
        if classify_protected_read(answer, protected.path, protected.marker).decided().accepted:
            opened.append(f"GET {protected.path} ({answer.status})")
        if protected.change:
            probe = f"tekigo-{secrets.token_hex(4)}"
            fields = {key: value.replace("{probe}", probe) for key, value in protected.change.items()}
            if protected.body == "json":
                device.web.request("POST", protected.path, session=session, json_body=fields)
            else:
                device.web.request("POST", protected.path, session=session, data=fields)
            probes[protected.read_back or protected.path] = probe
    for other in [*profile.interfaces_of("ssh"), *profile.interfaces_of("telnet")]:
        if device.login(device.factory_password, other).accepted:  # a shell is more than the password change
            opened.append(f"{other.kind}:{other.port} login")
    assert not opened, "the factory default gives access without a password change: " + ", ".join(opened)

    answer = device.change_password(device.new_password, session=session)
    assert device.state.password_changed, f"the unit refused the first-use password change ({answer.status})"
    fresh = device.web_session()
    for path, probe in probes.items():
        if probe in device.web.request("GET", path, session=fresh).body:
            opened.append(f"POST {path} (the setting took the probe value {probe})")
    assert not opened, "the factory default changed settings before the password change: " + ", ".join(opened)


def test_unique_per_unit_claim(device, profile, evidence):
    if profile.first_use.claim != "unique_per_unit":
        raise NotApplicable(f"the vendor claims {profile.first_use.claim}, not a password unique per unit")
    units = profile.first_use.units
    if len(units) < 2:
        raise Inconclusive("the unique-per-unit claim lists no units: declare two or more under first_use.units "
                           "with the credential on each unit's label")
    problems = []
    for one, other in itertools.combinations(units, 2):
        if one.label.password.get_secret_value() == other.label.password.get_secret_value():
            problems.append(f"units {one.serial} and {other.serial} have the same label password")
    common = {pair.password for pair in load_dictionary(SWEEP_DICTIONARY)}
    problems += [f"the label password of {unit.serial} is in the {SWEEP_DICTIONARY} sweep dictionary"
                 for unit in units if unit.label.password.get_secret_value() in common]
    interface = profile.http_interfaces()[0]
    refused_own = []
    for target in units:
        client = HttpClient(str(target.address), interface, device.scope, evidence.transcript,
                            profile.unit.connect_timeout_s)
        for holder in units:
            accepted = client.login(holder.label.username, holder.label.password.get_secret_value())[0].accepted
            if holder is target and not accepted:
                refused_own.append(target.serial)
            elif holder is not target and accepted:
                problems.append(f"the label credential of {holder.serial} opens unit {target.serial}")
    evidence.transcript.note(f"{len(units)} units, {len(units) ** 2} web logins; problems: {problems or 'none'}")
    assert not problems, "the preset passwords are not unique per unit: " + "; ".join(problems)
    if refused_own:
        raise Inconclusive(f"the declared label credential did not open its own unit: {', '.join(refused_own)} "
                           "(in factory state? the label as declared?)")


def test_equivalent_measure_is_recorded_not_tested(profile, evidence):
    first_use = profile.first_use
    if first_use.claim != "equivalent_measure":
        raise NotApplicable(f"the vendor claims {first_use.claim}, not an equivalent measure")
    for document in first_use.documents:
        if not document.path.is_file():
            raise Inconclusive(f"the declared document {document.path} is missing")
        digest = hashlib.sha256(document.path.read_bytes()).hexdigest()
        if digest != document.sha256.lower():
            raise Inconclusive(f"{document.path} has SHA-256 {digest}, not the declared {document.sha256}")
        evidence.transcript.note(f"document {document.path} sha256 {digest}: {document.description}")
    named = "; ".join(f"{d.description} ({d.path.name}, sha256 {d.sha256[:12]}…)" for d in first_use.documents)
    raise NotApplicable(f"equivalent measure declared, not tested: {named or first_use.evidence}")


@pytest.mark.interfaces("http", "ssh", "telnet")
def test_factory_default_refused_after_first_use(device, interface, evidence):
    device.ensure_password_changed()
    result = device.login(device.factory_password, interface)
    assert not result.accepted, (
        f"the factory default of {device.username!r} still opens {interface.kind}:{interface.port} "
        f"after the password was changed ({result.detail})"
    )


@pytest.mark.informational
def test_weak_new_passwords_are_refused(device, evidence):
    device.ensure_password_changed()
    strong = device.state.password
    accepted = []
    for weak in dict.fromkeys([device.factory_password, "password", device.username]):
        device.change_password(weak)
        if device.state.password == weak:
            accepted.append(weak)
            evidence.finding(f"the unit accepted {weak!r} as a new password", "EN 303 645 5.1-1")
            device.change_password(strong)
            if device.state.password != strong:
                raise Inconclusive("the unit took a weak password and then refused to change it back")
    assert not accepted, "weak new passwords accepted: " + ", ".join(repr(weak) for weak in accepted)
