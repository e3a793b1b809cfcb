"""Profile format 1, as it was: validated as written (errors name its own lines), then upgraded to format 2."""

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from harness.profile.declared import Credential, Declared, Secret
from harness.profile.firmware import Firmware, check_firmware_interfaces
from harness.profile.interfaces import (
    Lockout,
    MqttInterface,
    SnmpInterface,
    SshInterface,
    TelnetInterface,
    UpnpInterface,
)
from harness.profile.logins import HttpLoginV1
from harness.profile.onboarding import Document, LabelledUnit, check_labelled_units
from harness.profile.power import PowerSettings
from harness.profile.unit import Equipment, Equivalence, Exemption, ExposedService, Lab, Unit
from harness.verdict import Verdict
from harness.yaml_model import FieldError


class ProtectedPathV1(Declared):
    """A setting the unit must guard: reading it and changing it both need authentication."""

    path: str
    read: bool = True
    marker: str | None = Field(None, description="text present only in the authorised answer")
    change: dict[str, str] | None = Field(
        None, description="fields of a change request; '{probe}' is replaced by a unique value"
    )
    body: Literal["form", "json"] = "form"
    read_back: str | None = Field(None, description="path to read the setting back (default: path)")


class HttpInterfaceV1(Declared):
    """A web admin."""

    kind: Literal["http"]
    port: int = Field(80, ge=1, le=65535)
    tls: bool = False
    login: HttpLoginV1
    protected: list[ProtectedPathV1] = Field(default_factory=list)
    lockout: Lockout | None = Field(None, description="declared lockout of repeated failed logins")

InterfaceV1 = Annotated[
    HttpInterfaceV1 | SshInterface | TelnetInterface | SnmpInterface | MqttInterface | UpnpInterface,
    Field(discriminator="kind"),
]


class FirstUse(Declared):
    """Which TER item-2 path the vendor claims for the preset ID/password."""

    claim: Literal["forced_change", "unique_per_unit", "equivalent_measure"]
    evidence: str | None = Field(None, description="document reference for an equivalent measure")
    units: list[LabelledUnit] = Field([], description="unique_per_unit: two or more units and their labels")
    documents: list[Document] = Field([], description="equivalent_measure: the documents reviewed")

    @model_validator(mode="after")
    def _measure_has_evidence(self) -> "FirstUse":
        if self.claim == "equivalent_measure" and not self.evidence and not self.documents:
            raise FieldError(("claim",), "an equivalent measure needs `documents` (or `evidence`): "
                                         "the documents reviewed")
        check_labelled_units(self.units, at_least_two=self.claim == "unique_per_unit")
        return self


class PasswordChangeV1(Declared):
    """How to change the password over the web admin; fields take {current} and {new}."""

    interface: Literal["http"] = "http"
    path: str
    body: Literal["form", "json"] = "form"
    fields: dict[str, str]


class DeviceProfileV1(Declared):
    """A unit's declaration: identity, where it is, what it exposes and how to operate it."""

    tekigo_profile: Literal[1] = Field(description="profile format version")
    equipment: Equipment
    unit: Unit
    lab: Lab
    interfaces: Annotated[list[InterfaceV1], Field(min_length=1)]
    factory_default: Credential
    new_password: Secret = Field(description="the password the harness sets at first use")
    first_use: FirstUse
    password_change: PasswordChangeV1
    firmware: Firmware
    power: PowerSettings
    expected: dict[str, Verdict] | None = Field(
        None, description="reference devices only: the verdict each requirement must get"
    )
    equivalence: Equivalence | None = Field(None, description="items met by an ISO/IEC 15408 certificate")
    exemption: Exemption | None = Field(None, description="the unit is out of scope of Art. 34-10")
    exposed: list[ExposedService] = Field(
        [], description="open services that are not management interfaces, with the reason (item 1 scan)"
    )

    @field_validator("firmware")
    @classmethod
    def _firmware_has_its_interfaces(cls, firmware: Firmware, info: ValidationInfo) -> Firmware:
        declared = info.data.get("interfaces")
        if declared is not None:  # format 1 always has an http interface (checked below)
            check_firmware_interfaces(firmware, declared)
        return firmware

    @model_validator(mode="after")
    def _consistent(self) -> "DeviceProfileV1":
        if not any(self.unit.address in network for network in self.lab.networks):
            raise FieldError(("unit", "address"), f"unit.address {self.unit.address} is outside lab.networks; "
                                                  "the harness sends nothing there")
        if self.new_password.get_secret_value() == self.factory_default.password.get_secret_value():
            raise FieldError(("new_password",), "new_password must differ from the factory default")
        if not any(isinstance(i, HttpInterfaceV1) for i in self.interfaces):
            raise FieldError(("interfaces",), "at least one http interface is needed (password change, version, "
                                              "update)")
        for index, labelled in enumerate(self.first_use.units):
            if not any(labelled.address in network for network in self.lab.networks):
                raise FieldError(("first_use", "units", index, "address"),
                                 f"first_use.units: {labelled.address} is outside lab.networks")
        if any(getattr(i, "auth", None) for i in self.interfaces):
            raise FieldError(("interfaces",), "`auth: none` is format 2: write `tekigo_profile: 2` (see "
                                              "`tekigo profile upgrade`)")
        if self.equivalence and self.exemption:
            raise FieldError(("exemption",), "declare either `equivalence` or `exemption`: an exempt unit needs "
                                             "no equivalence")
        return self
