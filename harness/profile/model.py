"""The device profile (format 2): a unit's declaration, validated into the model the whole run reads."""

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from harness.profile.declared import Credential, Declared, Secret
from harness.profile.firmware import Firmware, check_firmware_interfaces
from harness.profile.interfaces import (
    HttpInterface,
    Interface,
    LoginInterface,
    MqttInterface,
    SnmpInterface,
    SshInterface,
    TelnetInterface,
)
from harness.profile.onboarding import EquivalentMeasure, FirstRunSetup, Onboarding, PresetDefault, UniquePerUnit
from harness.profile.password_change import PasswordChange
from harness.profile.power import PowerSettings, ShellyPowerSettings, SnmpPduPowerSettings, TasmotaPowerSettings
from harness.profile.unit import Equipment, Equivalence, Exemption, ExposedService, Lab, Unit
from harness.verdict import Verdict
from harness.yaml_model import FieldError

PROFILE_FORMAT = 2


class DeviceProfile(Declared):
    """A unit's declaration: identity, where it is, what it exposes and how to operate it."""

    tekigo_profile: Literal[2] = Field(description="profile format version")
    equipment: Equipment
    unit: Unit
    lab: Lab
    interfaces: Annotated[list[Interface], Field(min_length=1)]
    exposed: list[ExposedService] = Field(
        [], description="open services that are not management interfaces, with the reason (item 1 scan)")
    onboarding: Onboarding | None = Field(None, description="how the unit gets its first credential (item 2); "
                                                            "needed unless every interface is `auth: none`")
    new_password: Secret | None = Field(None, description="the password the harness sets at first use (or the "
                                                          "password of the account a first-run setup creates)")
    password_change: PasswordChange | None = Field(None, description="how the harness changes the password")
    firmware: Firmware | None = Field(None, description="reading and updating the software (item 3)")
    power: PowerSettings
    expected: dict[str, Verdict] | None = Field(
        None, description="reference devices only: the verdict each requirement must get")
    equivalence: Equivalence | None = Field(None, description="items met by an ISO/IEC 15408 certificate")
    exemption: Exemption | None = Field(None, description="the unit is out of scope of Art. 34-10")

    @field_validator("onboarding")
    @classmethod
    def _setup_on_a_web_admin(cls, onboarding: Onboarding | None, info: ValidationInfo) -> Onboarding | None:
        declared = info.data.get("interfaces")
        if isinstance(onboarding, FirstRunSetup) and declared is not None:
            web = [i for i in declared if isinstance(i, HttpInterface)]
            if not web or (onboarding.interface is not None and not any(i.port == onboarding.interface for i in web)):
                raise FieldError(("interface",), "the first-run setup runs on a declared http interface: declare "
                                                 "it in `interfaces` (and give its port as `interface`)")
        networks = info.data.get("lab")
        if isinstance(onboarding, UniquePerUnit) and networks is not None:
            for index, labelled in enumerate(onboarding.units):
                if not any(labelled.address in network for network in networks.networks):
                    raise FieldError(("units", index, "address"), f"units: {labelled.address} is outside lab.networks")
        return onboarding

    @field_validator("new_password")
    @classmethod
    def _differs_from_the_preset(cls, new_password: Secret | None, info: ValidationInfo) -> Secret | None:
        preset = preset_of(info.data.get("onboarding"))
        if new_password is not None and preset is not None and (
                new_password.get_secret_value() == preset.password.get_secret_value()):
            raise ValueError("new_password must differ from the preset credential")
        return new_password

    @field_validator("password_change")
    @classmethod
    def _change_on_a_declared_interface(cls, change: PasswordChange | None, info: ValidationInfo
                                        ) -> PasswordChange | None:
        declared = info.data.get("interfaces")
        if change is None or declared is None:
            return change
        fitting = [i for i in declared if i.kind == change.over and getattr(i, "auth", None) is None]
        if not fitting or (change.port is not None and not any(i.port == change.port for i in fitting)):
            port = f" on port {change.port}" if change.port is not None else ""
            raise ValueError(f"the password is changed over {change.over}{port}: declare that interface, with a "
                             "login, in `interfaces`")
        return change

    @field_validator("firmware")
    @classmethod
    def _firmware_has_its_interfaces(cls, firmware: Firmware | None, info: ValidationInfo) -> Firmware | None:
        declared = info.data.get("interfaces")
        if firmware is None or declared is None:
            return firmware
        check_firmware_interfaces(firmware, declared)
        return firmware

    @model_validator(mode="after")
    def _consistent(self) -> "DeviceProfile":
        if not any(self.unit.address in network for network in self.lab.networks):
            raise FieldError(("unit", "address"),
                f"unit.address {self.unit.address} is outside lab.networks; the harness sends nothing there")
        if self.login_interfaces() and self.onboarding is None:
            raise FieldError(("onboarding",), "an interface with a login needs `onboarding`: how the unit gets "
                                              "its first credential (or declare every interface `auth: none`)")
        needs_password = self.password_change is not None or isinstance(self.onboarding, FirstRunSetup)
        if needs_password and self.new_password is None:
            raise FieldError(("new_password",), "a password change or a first-run setup needs `new_password`")
        if self.equivalence and self.exemption:
            raise FieldError(("exemption",), "declare either `equivalence` or `exemption`: an exempt unit needs "
                                             "no equivalence")
        return self

    def http_interfaces(self) -> list[HttpInterface]:
        return [i for i in self.interfaces if isinstance(i, HttpInterface)]

    def interfaces_of(self, kind: str) -> list[HttpInterface | SshInterface | TelnetInterface]:
        return [i for i in self.interfaces if i.kind == kind]  # type: ignore[misc]

    def login_interfaces(self) -> list[LoginInterface]:
        """The http, ssh and telnet interfaces that ask for a login."""
        return [i for i in self.interfaces
                if isinstance(i, HttpInterface | SshInterface | TelnetInterface) and i.auth is None]

    def open_interfaces(self) -> list[Interface]:
        """The interfaces declared open by design (`auth: none`)."""
        return [i for i in self.interfaces if i.auth == "none"]

    @property
    def preset(self) -> Credential | None:
        """The credential the unit ships with (a default or its label), or None when it has none."""
        return preset_of(self.onboarding)

    @property
    def account(self) -> str | None:
        """The user name the harness logs in with: the preset's, or the account the setup creates."""
        if isinstance(self.onboarding, FirstRunSetup):
            return self.onboarding.account.username
        return self.preset.username if self.preset else None

    def secrets(self) -> dict[str, str]:
        """Every secret value of the profile by name, for redaction (published defaults excluded)."""
        found = {}
        if self.new_password is not None:
            found["new_password"] = self.new_password.get_secret_value()
        if self.preset is not None and not self.preset.published:
            found["factory_default"] = self.preset.password.get_secret_value()
        if isinstance(self.power, TasmotaPowerSettings | ShellyPowerSettings) and self.power.credentials:
            found["power_password"] = self.power.credentials.password.get_secret_value()
        if isinstance(self.power, SnmpPduPowerSettings):
            found["power_community"] = self.power.write_community.get_secret_value()
        for interface in self.interfaces:
            if isinstance(interface, MqttInterface) and interface.observer and not interface.observer.published:
                found[f"mqtt_observer_{interface.port}"] = interface.observer.password.get_secret_value()
            if isinstance(interface, SnmpInterface) and interface.read_community:
                found[f"snmp_read_community_{interface.port}"] = interface.read_community.get_secret_value()
        if self.firmware is not None and self.firmware.version.community:
            found["version_community"] = self.firmware.version.community.get_secret_value()
        if isinstance(self.onboarding, UniquePerUnit):
            for labelled in self.onboarding.units:
                if not labelled.label.published:
                    found[f"label_{labelled.serial}"] = labelled.label.password.get_secret_value()
        return found


def preset_of(onboarding: Onboarding | None) -> Credential | None:
    """The credential an onboarding model says the unit ships with, or None."""
    if isinstance(onboarding, PresetDefault | EquivalentMeasure):
        return onboarding.default
    if isinstance(onboarding, UniquePerUnit):
        return onboarding.label
    return None
