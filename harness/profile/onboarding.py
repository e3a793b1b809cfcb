"""How a unit gets its first credential (TER item 2): a preset default, a per-unit label, a first-run setup
that creates the administrator, or an equivalent measure the operator records."""

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from harness.profile.declared import Credential, Declared, ProfilePath
from harness.profile.requests import JSON_PATH, RequestTemplate, check_placeholders
from harness.yaml_model import FieldError

SETUP_PLACEHOLDERS = {"username", "new_password", "csrf"}


class LabelledUnit(Declared):
    """One unit of a unique-per-unit claim: where it is and the credential printed on its label."""

    serial: str
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    label: Credential


class Document(Declared):
    """A document the operator reviewed, pinned by its SHA-256 so the record names exactly that file."""

    path: ProfilePath
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]
    description: str


class PresetDefault(Declared):
    """The unit ships with a preset ID/password that must be changed at first use (it opens nothing else)."""

    model: Literal["preset_default"]
    default: Credential


class UniquePerUnit(Declared):
    """Each unit ships with its own password, printed on its label."""

    model: Literal["unique_per_unit"]
    label: Credential = Field(description="this unit's label credential")
    units: list[LabelledUnit] = Field([], description="two or more units and their labels (uniqueness check)")

    @model_validator(mode="after")
    def _units_distinct(self) -> "UniquePerUnit":
        check_labelled_units(self.units)
        return self


def check_labelled_units(units: list[LabelledUnit], at_least_two: bool = True) -> None:
    """Two or more units (or none listed), each at its own address."""
    if at_least_two and units and len(units) < 2:
        raise FieldError(("units",), "a unique-per-unit claim lists two or more `units` with their label "
                                     "credentials")
    addresses = [unit.address for unit in units]
    for index, address in enumerate(addresses):
        if address in addresses[:index]:
            raise FieldError(("units", index, "address"), f"each of `units` needs its own address "
                                                          f"({address} is given twice)")


class Account(Declared):
    """The account a first-run setup creates; its password is the profile's `new_password`."""

    username: str = Field(min_length=1)


class FirstRunSetup(Declared):
    """No preset credential: the first user creates the administrator through a setup wizard."""

    model: Literal["first_run_setup"]
    interface: int | None = Field(None, ge=1, le=65535, description="port of the http interface of the wizard "
                                                                    "(default: the first)")
    account: Account
    setup: Annotated[list[RequestTemplate], Field(min_length=1)] = Field(
        description="the wizard's requests, in order; each must be accepted")
    open_probe: RequestTemplate | None = Field(None, description="answers 2xx while the wizard is open")
    open_json: str | None = Field(None, description="JSON path in the probe's answer whose value is true while "
                                                    "the wizard is open (instead of the status)")

    @field_validator("open_json")
    @classmethod
    def _json_path(cls, path: str | None) -> str | None:
        if path is not None and not JSON_PATH.match(path):
            raise ValueError("a JSON path is keys joined by dots with [n] for list items, e.g. setup.open")
        return path

    @model_validator(mode="after")
    def _placeholders(self) -> "FirstRunSetup":
        if self.open_json is not None and self.open_probe is None:
            raise FieldError(("open_json",), "`open_json` reads the answer of `open_probe`: declare the probe")
        for template in [*self.setup, *([self.open_probe] if self.open_probe else [])]:
            if template.path is None:
                raise ValueError("each setup request needs its `path`")
            check_placeholders(template, SETUP_PLACEHOLDERS, "a setup request")
        if not any("new_password" in template.placeholders() for template in self.setup):
            raise FieldError(("setup",), "the setup sets the account's password: put {new_password} in one of "
                                         "its requests")
        return self


class EquivalentMeasure(Declared):
    """The item-2 path met by another measure, recorded with the documents reviewed (declared, not tested)."""

    model: Literal["equivalent_measure"]
    default: Credential | None = Field(None, description="the preset credential the measure covers, if any")
    evidence: str | None = Field(None, description="document reference")
    documents: list[Document] = Field([], description="the documents reviewed")

    @model_validator(mode="after")
    def _has_evidence(self) -> "EquivalentMeasure":
        if not self.evidence and not self.documents:
            raise FieldError(("documents",), "an equivalent measure needs `documents` (or `evidence`): the "
                                             "documents reviewed")
        return self


Onboarding = Annotated[PresetDefault | UniquePerUnit | FirstRunSetup | EquivalentMeasure,
                       Field(discriminator="model")]
