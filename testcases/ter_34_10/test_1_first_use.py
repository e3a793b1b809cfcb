"""TER-34-10-2: the preset ID/password must be changed at first use, be unique per unit, not exist at all (a
first-run setup creates the account), or be met by an equivalent measure the operator records (declared,
never tested)."""

import hashlib
import itertools
import secrets

import pytest

from harness.credentials.dictionary import load_dictionary
from harness.first_run_setup import run_setup, setup_open
from harness.profile import EquivalentMeasure, FirstRunSetup, HttpInterface, PresetDefault, SshInterface, UniquePerUnit
from harness.settings_probe import new_probe, write_probe
from harness.transports.http import HttpClient
from harness.transports.http_answers import classify_protected_read
from harness.transports.outcome import Unrecognised
from harness.update.version_text import version_in_json, version_in_text
from harness.verdict import Inconclusive, NotApplicable

pytestmark = pytest.mark.requirement("TER-34-10-2")
SWEEP_DICTIONARY = "notice"
SHELL_PROOF_COMMAND = "echo tekigo$((6*7))"  # a shell computes it; a forced passwd dialogue does not
SHELL_PROOF = "tekigo42"


def claimed(profile, model, name):
    """The onboarding declared, NOT_APPLICABLE unless it is `model`."""
    onboarding = profile.onboarding
    if not isinstance(onboarding, model):
        raise NotApplicable(f"the vendor declares {onboarding.model if onboarding else 'no login'}, not {name}")
    return onboarding


def shell_opened_by_default(device, profile, evidence):
    """The ssh/telnet logins on which the factory default gets a working shell (more than a password change)."""
    opened = []
    for other in profile.login_interfaces():
        if isinstance(other, HttpInterface):
            continue
        if isinstance(other, SshInterface):
            try:
                output = device.ssh(other).run(other.username or device.username, device.factory_password,
                                               SHELL_PROOF_COMMAND)
            except Unrecognised as error:
                evidence.transcript.note(f"ssh:{other.port}: {error}")
                continue
            if SHELL_PROOF in output:
                opened.append(f"ssh:{other.port} shell")
        elif device.login(device.factory_password, other).accepted:  # telnet's login proves the shell
            opened.append(f"telnet:{other.port} shell")
    return opened


def discloses_version(answer, probe):
    """The answer carries the firmware version as the declared probe reads it (a 2xx alone shows nothing: a
    unit in forced-change state may serve its change page at every address)."""
    if not answer.accepted:
        return False
    try:
        if probe.json_field is None:
            version_in_text(answer.body, probe.regex, probe.path)
        else:
            version_in_json(answer.json(), probe.json_field, probe.path)
    except Unrecognised:
        return False
    return True


def test_first_run_setup_creates_the_only_account(device, profile, evidence):
    setup = claimed(profile, FirstRunSetup, "a first-run setup")
    if device.state.password_changed:
        raise Inconclusive("the first-run setup was already run before this check (a resumed run?)")
    client = device.setup_client()
    if setup_open(client, setup) is False:
        raise Inconclusive("the declared probe says the setup is not open: is the unit in factory state?")
    run = device.claim_setup(device.new_password)
    if not run.accepted:
        raise Inconclusive(f"the unit refused the declared first-run setup ({run.summary})")
    open_s = (device.claimed_at or 0.0) - device.first_contact
    evidence.finding(f"the first-run setup could be claimed by anyone on the network before first use: it was "
                     f"open for at least {open_s:.1f} s, from the run's first contact with the unit until the "
                     f"harness claimed it ({run.summary})", "setup_claimable")
    if not device.login(device.new_password, client.interface).accepted:
        raise Inconclusive(f"the created account does not open http:{client.interface.port} (the setup as declared?)")
    problems = []
    if setup_open(client, setup):
        problems.append("the setup probe still answers open after the account was created")
    replay = run_setup(client, setup, device.username, f"Tkg-{secrets.token_hex(8)}")
    if replay.accepted:
        problems.append(f"the setup can be run again after first use, by anyone on the network ({replay.summary})")
        restored = run_setup(client, setup, device.username, device.new_password)
        if not restored.accepted:
            device.state.password = None  # the unit's account now has a password the run does not keep
            raise Inconclusive("the replayed setup took over the account and the declared one could not be restored")
    assert not problems, "the first-run setup is not closed after first use: " + "; ".join(problems)


def test_factory_default_only_opens_the_password_change(device, profile, evidence):
    claimed(profile, PresetDefault, "a preset default changed at first use")
    if not profile.http_interfaces() or device.web.interface.login is None:
        opened = shell_opened_by_default(device, profile, evidence)
        assert not opened, "the factory default gives a shell without a password change: " + ", ".join(opened)
        answer = device.change_password(device.new_password)
        assert device.state.password_changed, f"the unit refused the first-use password change ({answer.summary})"
        return
    result, session = device.web.login(device.username, device.factory_password)
    if not result.accepted or session is None:
        raise Inconclusive("the factory default was refused before first use: is the unit in factory state?")
    evidence.transcript.note("logged in with the factory default; anything but the password change must fail")

    opened = []
    version_probe = profile.firmware.version if profile.firmware else None
    version_page = version_probe is not None and version_probe.interface == "http" and version_probe.path is not None
    if version_page:
        version = device.web.request("GET", version_probe.path, session=session)
        if discloses_version(version, version_probe):
            opened.append(f"GET {version_probe.path} ({version.status}, the firmware version)")
    else:  # an ssh probe's login is tried below; an snmp probe needs no password
        evidence.transcript.note("the version is not read from a web page: no page to try")
    probes = {}
    for protected in device.web.interface.protected:
        answer = device.web.request("GET", protected.path, session=session)
        if classify_protected_read(answer, protected.path, protected.marker).decided().accepted:
            opened.append(f"GET {protected.path} ({answer.status})")
        if protected.change:
            probe = new_probe()
            write_probe(device.web, protected, probe, session)
            probes[protected.read_back or protected.path] = probe
    opened += shell_opened_by_default(device, profile, evidence)  # a shell is more than the password change
    assert not opened, "the factory default gives access without a password change: " + ", ".join(opened)

    answer = device.change_password(device.new_password, session=session)
    assert device.state.password_changed, f"the unit refused the first-use password change ({answer.summary})"
    fresh = device.web_session()
    for path, probe in probes.items():
        if probe in device.web.request("GET", path, session=fresh).body:
            opened.append(f"POST {path} (the setting took the probe value {probe})")
    assert not opened, "the factory default changed settings before the password change: " + ", ".join(opened)
    shells = [other for other in profile.login_interfaces() if not isinstance(other, HttpInterface)]
    if not (version_page or device.web.interface.protected or shells):
        raise Inconclusive("nothing but the password change was tried with the factory default: the profile declares "
                           "no protected setting, version page or shell login to show what else it opens")


def test_unique_per_unit_claim(device, profile, evidence):
    units = claimed(profile, UniquePerUnit, "a password unique per unit").units
    if len(units) < 2:
        raise Inconclusive("the unique-per-unit claim lists no units: declare two or more under onboarding.units "
                           "with the credential on each unit's label")
    problems = []
    for one, other in itertools.combinations(units, 2):
        if one.label.password.get_secret_value() == other.label.password.get_secret_value():
            problems.append(f"units {one.serial} and {other.serial} have the same label password")
    common = {pair.password for pair in load_dictionary(SWEEP_DICTIONARY)}
    problems += [f"the label password of {unit.serial} is in the {SWEEP_DICTIONARY} sweep dictionary"
                 for unit in units if unit.label.password.get_secret_value() in common]
    interface = device.web.interface
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
    first_use = claimed(profile, EquivalentMeasure, "an equivalent measure")
    for document in first_use.documents:
        if not document.path.is_file():
            raise Inconclusive(f"the declared document {document.path} is missing")
        digest = hashlib.sha256(document.path.read_bytes()).hexdigest()
        if digest != document.sha256.lower():
            raise Inconclusive(f"{document.path} has SHA-256 {digest}, not the declared {document.sha256}")
        evidence.transcript.note(f"document {document.path} sha256 {digest}: {document.description}")
    named = "; ".join(f"{d.description} ({d.path.name}, sha256 {d.sha256[:12]}…)" for d in first_use.documents)
    raise NotApplicable(f"equivalent measure declared, not tested: {named or first_use.evidence}")


@pytest.mark.interfaces("http", "ssh", "telnet", login=True)
def test_factory_default_refused_after_first_use(device, interface, evidence):
    device.ensure_password_changed()
    result = device.login(device.factory_password, interface)
    assert not result.accepted, (
        f"the factory default of {device.username!r} still opens {interface.kind}:{interface.port} "
        f"after the password was changed ({result.detail})"
    )


@pytest.mark.informational
def test_weak_new_passwords_are_refused(device, profile, evidence):
    device.ensure_password_changed()
    strong = device.state.password
    accepted = []
    preset = [profile.preset.password.get_secret_value()] if profile.preset else []
    for weak in dict.fromkeys([*preset, "password", device.username]):
        device.change_password(weak)
        if device.state.password == weak:
            accepted.append(weak)
            evidence.finding(f"the unit accepted {weak!r} as a new password", "EN 303 645 5.1-1")
            device.change_password(strong)
            if device.state.password != strong:
                raise Inconclusive("the unit took a weak password and then refused to change it back")
    assert not accepted, "weak new passwords accepted: " + ", ".join(repr(weak) for weak in accepted)
