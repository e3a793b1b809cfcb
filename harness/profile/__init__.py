"""The device profile: the vendor's declaration (ICS + IXIT), validated into a typed model (format 2;
format-1 documents are validated as written, then upgraded)."""

from harness.profile.declared import Credential, Declared, Secret
from harness.profile.firmware import SYS_DESCR, Firmware, Update, VersionProbe
from harness.profile.interfaces import (
    HttpInterface,
    Interface,
    Lockout,
    LoginInterface,
    MqttInterface,
    ProtectedPath,
    SnmpInterface,
    SshInterface,
    TelnetInterface,
    UpnpInterface,
)
from harness.profile.logins import BasicLogin, CsrfEcho, CsrfToken, FormLogin, JsonLogin, TokenLogin
from harness.profile.model import PROFILE_FORMAT, DeviceProfile
from harness.profile.onboarding import EquivalentMeasure, FirstRunSetup, PresetDefault, UniquePerUnit
from harness.profile.password_change import HttpPasswordChange, ShellPasswordChange
from harness.profile.power import (
    LabgridPowerSettings,
    ManualPowerSettings,
    NetnsPowerSettings,
    PowerSettings,
    QemuPowerSettings,
    SerialRelayPowerSettings,
    ShellyPowerSettings,
    SnmpPduPowerSettings,
    TasmotaPowerSettings,
)
from harness.profile.requests import RequestTemplate
from harness.profile.unit import Equipment, Equivalence, Exemption, ExposedService, Lab, Unit

__all__ = [
    "PROFILE_FORMAT",
    "SYS_DESCR",
    "BasicLogin",
    "Credential",
    "CsrfEcho",
    "CsrfToken",
    "Declared",
    "DeviceProfile",
    "Equipment",
    "Equivalence",
    "EquivalentMeasure",
    "Exemption",
    "ExposedService",
    "Firmware",
    "FirstRunSetup",
    "FormLogin",
    "HttpInterface",
    "HttpPasswordChange",
    "Interface",
    "JsonLogin",
    "Lab",
    "LabgridPowerSettings",
    "Lockout",
    "LoginInterface",
    "ManualPowerSettings",
    "MqttInterface",
    "NetnsPowerSettings",
    "PowerSettings",
    "PresetDefault",
    "ProtectedPath",
    "QemuPowerSettings",
    "RequestTemplate",
    "Secret",
    "SerialRelayPowerSettings",
    "ShellPasswordChange",
    "ShellyPowerSettings",
    "SnmpInterface",
    "SnmpPduPowerSettings",
    "SshInterface",
    "TasmotaPowerSettings",
    "TelnetInterface",
    "TokenLogin",
    "UniquePerUnit",
    "Unit",
    "Update",
    "UpnpInterface",
    "VersionProbe",
]
