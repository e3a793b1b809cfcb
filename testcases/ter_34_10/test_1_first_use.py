"""TER-34-10-2: the preset ID/password must be changed at first use (or be unique per unit)."""

import pytest

from harness.verdict import Inconclusive, NotApplicable

pytestmark = pytest.mark.requirement("TER-34-10-2")


def test_factory_default_only_opens_the_password_change(device, profile, evidence):
    if profile.first_use.claim != "forced_change":
        raise NotApplicable(f"the vendor claims {profile.first_use.claim}, not a forced change")
    result, session = device.web.login(device.username, device.factory_password)
    if not result.accepted or session is None:
        raise Inconclusive("the factory default was refused before first use: is the unit in factory state?")
    evidence.transcript.note("logged in with the factory default; anything but the password change must fail")

    opened = []
    version = device.web.request("GET", profile.firmware.version.path, session=session)
    if 200 <= version.status < 300:
        opened.append(f"GET {profile.firmware.version.path} ({version.status})")
    for protected in device.web.interface.protected:
        answer = device.web.request("GET", protected.path, session=session)
        if 200 <= answer.status < 300 and (protected.marker is None or protected.marker in answer.body):
            opened.append(f"GET {protected.path} ({answer.status})")
    assert not opened, "the factory default gives access without a password change: " + ", ".join(opened)

    answer = device.change_password(device.new_password, session=session)
    assert device.state.password_changed, f"the unit refused the first-use password change ({answer.status})"


def test_unique_per_unit_claim(profile, evidence):
    if profile.first_use.claim == "forced_change":
        raise NotApplicable("the vendor claims a forced change at first use")
    raise Inconclusive(
        f"the {profile.first_use.claim} claim is not bench-checked by this version of tekigo; "
        "it needs a document review recorded by the operator"
    )


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
