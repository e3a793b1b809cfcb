"""TER-34-10-4: the changed password, settings and updated software survive a loss of power."""

import pytest

from harness.power.drivers import power_cycle
from harness.power.protocol import KeepsConsole, PowerError
from harness.profile import HttpInterface, SshInterface
from harness.settings_probe import new_probe, write_probe
from harness.transports.http_answers import classify_protected_read
from harness.transports.outcome import Classification
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-4")


def login_state(device):
    """Per http/ssh login interface (telnet on a unit with neither): (new password accepted, factory default
    refused; True without a default)."""
    preset = device.profile.preset
    logins = device.profile.login_interfaces()
    chosen = [i for i in logins if isinstance(i, HttpInterface | SshInterface)] or logins
    return {
        f"{i.kind}:{i.port}": (
            device.login(device.password, i).accepted,
            preset is None or not device.login(preset.password.get_secret_value(), i).accepted,
        )
        for i in chosen
    }


def unauthenticated_refusals(device):
    """Per protected page of every web admin: refused without authentication (None: cannot tell)."""
    found = {}
    for interface in device.profile.http_interfaces():
        client = device.http(interface)
        for protected in (p for p in interface.protected if p.read):
            answer = client.request("GET", protected.path)
            read = classify_protected_read(answer, protected.path, protected.marker)
            refused = None if read.classification is Classification.UNCLASSIFIED else read.refused
            found[f"GET {protected.path} on {interface.kind}:{interface.port}"] = refused
    return found


@pytest.mark.timeout(300)
def test_password_settings_and_update_survive_a_power_cut(device, power, profile, evidence):
    device.ensure_password_changed()
    if profile.firmware is None:
        evidence.transcript.note("no firmware section declared: no update installed, no version compared")
    elif device.state.updated_to is None and not device.install_update().accepted:
        raise Inconclusive("the declared update could not be installed before the power cut")
    web = device.web if profile.http_interfaces() else None
    setting = next((p for p in web.interface.protected if p.change), None) if web else None
    probe = new_probe()
    if web is not None and setting is not None:
        write_probe(web, setting, probe, device.web_session())
    before = login_state(device)
    refused_before = unauthenticated_refusals(device)  # item 1: what access control refuses must stay refused
    version_before = device.read_version() if profile.firmware else None
    evidence.transcript.note(f"before the cut: logins {before}, unauthenticated reads refused {refused_before}, "
                             f"version {version_before}")

    try:
        cycle = power_cycle(power, wait_for=lambda: device.wait_until_reachable(profile.unit.boot_timeout_s),
                            answers=device.reachable)  # verified: the unit really went down, and stays up
    except PowerError as error:
        raise Inconclusive(f"power driver: {error}") from error
    driver = getattr(power, "label", None) or profile.power.driver  # a place's switch names its place and outlet
    evidence.attach("power-cycle", (
        f"driver: {driver}\noff took {cycle.off_s:.3f} s\non took {cycle.on_s:.3f} s\n"
        f"unit answered {cycle.recovery_s:.2f} s after power was restored\n"
    ))
    if isinstance(power, KeepsConsole):  # the serial console: the boot before the cut, the cut, the boot after
        evidence.attach("serial-console", power.console_of_last_boots(2))

    lost = []
    after = login_state(device)
    for name, (new_accepted, default_refused) in before.items():
        if new_accepted and not after[name][0]:
            lost.append(f"the changed password no longer opens {name}")
        if default_refused and not after[name][1]:
            lost.append(f"the factory default opens {name} again")
    refused_after = unauthenticated_refusals(device)
    lost += [f"{read} is served without authentication again" for read, refused in refused_before.items()
             if refused and refused_after.get(read) is False]
    unclear = [read for read, refused in refused_before.items() if refused and refused_after.get(read) is None]
    if any(before[name][0] and not after[name][0] for name in before):
        evidence.transcript.note("version and settings not re-read: the changed password no longer logs in")
    else:
        version_after = device.read_version() if profile.firmware else None
        if version_after != version_before:
            lost.append(f"the firmware version went from {version_before} to {version_after}")
        if web is not None and setting is not None:
            read_back = setting.read_back or setting.path
            answer = web.request("GET", read_back, session=device.web_session())
            shows_settings = answer.status == 200 and (
                read_back != setting.path or not setting.marker or setting.marker in answer.body)
            if not shows_settings:  # a login or error page cannot show whether the setting was kept
                unclear.append(f"GET {read_back} when logged in (HTTP {answer.status}, not the settings page)")
            elif probe not in answer.body:
                lost.append(f"the setting written to {setting.change_path} was lost")
    assert not lost, "lost through the power cut: " + "; ".join(lost)
    if unclear:
        raise Inconclusive("after the power cut these answers could not be read: " + "; ".join(unclear))
