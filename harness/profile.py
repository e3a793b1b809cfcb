"""The device profile: the vendor's declaration (ICS + IXIT), validated into a typed model."""

import ipaddress
import os
import string
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from harness.verdict import Verdict
from harness.yaml_model import FieldError

PROFILE_FORMAT = 1


class Declared(BaseModel):
    """Every part of a profile: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EnvSecret(Declared):
    """A secret read from an environment variable."""

    env: str


class FileSecret(Declared):
    """A secret read from a file (first line), relative to the profile's folder."""

    file: str


def _resolve_secret(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, dict) and set(value) == {"env"}:
        name = str(value["env"])
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set")
        if not os.environ[name]:
            raise ValueError(f"environment variable {name} is empty")
        return os.environ[name]
    if isinstance(value, dict) and set(value) == {"file"}:
        base = Path((info.context or {}).get("base", "."))
        path = base / str(value["file"])
        try:
            first = path.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as error:
            raise ValueError(f"cannot read a secret from {path}: {error}") from error
        if not first:
            raise ValueError(f"the first line of {path} (the secret) is empty")
        return first
    if isinstance(value, dict):
        raise ValueError("a secret is a string, {env: NAME} or {file: PATH}")
    return value


def _usable_secret(value: SecretStr) -> SecretStr:
    """A secret a unit can take: not empty, no control characters (a stray tab or CR from a copied file)."""
    secret = value.get_secret_value()
    if not secret:
        raise ValueError("is empty")
    control = next((char for char in secret if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        raise ValueError(f"contains the control character U+{ord(control):04X}: no login prompt or form takes it")
    return value


def _relative_to_profile(value: Path, info: ValidationInfo) -> Path:
    base = Path((info.context or {}).get("base", "."))
    return value if value.is_absolute() else (base / value).resolve()


ProfilePath = Annotated[Path, AfterValidator(_relative_to_profile)]

Secret = Annotated[
    SecretStr,
    BeforeValidator(_resolve_secret, json_schema_input_type=str | EnvSecret | FileSecret),
    AfterValidator(_usable_secret),
]


class Equipment(Declared):
    """What the report names: the unit under test."""

    name: str
    model: str
    manufacturer: str
    serial: str
    firmware_version: str
    kind: Literal["router", "camera", "recorder", "gateway", "other"] = "other"


class Lab(Declared):
    """The networks the run may send to; anything else is refused by the scope guard."""

    networks: Annotated[list[ipaddress.IPv4Network | ipaddress.IPv6Network], Field(min_length=1)]
    allow_routed: bool = Field(False, description="allow targets reached through a gateway")


class Unit(Declared):
    """Where the unit is and how long it takes to come back after power is restored."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    boot_timeout_s: Annotated[float, Field(gt=0, le=600)] = 60.0
    connect_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0


class Credential(Declared):
    """An ID/password pair. `published` marks a default printed in the public manual (not redacted)."""

    username: str
    password: Secret
    published: bool = False


class CsrfToken(Declared):
    """Where the unit's CSRF token comes from and which form field carries it back."""

    field: str
    cookie: str | None = None
    page: str | None = None
    pattern: str | None = Field(None, description="regex with one group, applied to `page`")

    @model_validator(mode="after")
    def _one_source(self) -> "CsrfToken":
        if (self.cookie is None) == (self.page is None or self.pattern is None):
            raise ValueError("give either `cookie`, or both `page` and `pattern`")
        return self


class BasicLogin(Declared):
    """HTTP basic or digest authentication, checked against a path that needs it."""

    method: Literal["basic", "digest"]
    check_path: str = Field(description="a path that answers 200 only when authenticated")


class FormLogin(Declared):
    """An HTML form login; success is the session cookie being set."""

    method: Literal["form"]
    path: str = "/login"
    username_field: str = "username"
    password_field: str = "password"
    session_cookie: str
    failure_text: str | None = Field(None, description="text shown on a refused login")
    csrf: CsrfToken | None = None


class JsonLogin(Declared):
    """A JSON login API returning a token that later requests carry in a header."""

    method: Literal["json"]
    path: str
    username_field: str = "username"
    password_field: str = "password"
    token_field: str = "token"
    token_header: str = "Authorization"
    token_prefix: str = "Bearer "


HttpLogin = Annotated[BasicLogin | FormLogin | JsonLogin, Field(discriminator="method")]


class ProtectedPath(Declared):
    """A setting the unit must guard: reading it and changing it both need authentication."""

    path: str
    read: bool = True
    marker: str | None = Field(None, description="text present only in the authorised answer")
    change: dict[str, str] | None = Field(
        None, description="fields of a change request; '{probe}' is replaced by a unique value"
    )
    body: Literal["form", "json"] = "form"
    read_back: str | None = Field(None, description="path to read the setting back (default: path)")


MAX_LOCKOUT_RESET_S = 600.0
MAX_SWEEP_BUDGET_S = 3600.0


class Lockout(Declared):
    """The web admin's declared lockout: after repeated failed logins it answers 423/429 for at most
    `reset_after_s`, then takes logins again; the credential sweep waits each lockout out and goes on."""

    reset_after_s: Annotated[float, Field(gt=0, le=MAX_LOCKOUT_RESET_S)]
    sweep_budget_s: Annotated[float, Field(gt=0, le=MAX_SWEEP_BUDGET_S)] | None = Field(
        None, description="how long the sweep of this interface may take in all, waits included "
                          "(default: the suite's own deadline)")


class HttpInterface(Declared):
    """A web admin."""

    kind: Literal["http"]
    port: int = Field(80, ge=1, le=65535)
    tls: bool = False
    login: HttpLogin
    protected: list[ProtectedPath] = []
    lockout: Lockout | None = Field(None, description="declared lockout of repeated failed logins")


class SshInterface(Declared):
    """An SSH server; `username` is the account the unit's credential applies to."""

    kind: Literal["ssh"]
    port: int = Field(22, ge=1, le=65535)
    username: str | None = None


class TelnetInterface(Declared):
    """A telnet server."""

    kind: Literal["telnet"]
    port: int = Field(23, ge=1, le=65535)


class SnmpInterface(Declared):
    """An SNMP agent (UDP); the write probe sets `writable_object` first (a harmless MIB-II text), then the others."""

    kind: Literal["snmp"]
    port: int = Field(161, ge=1, le=65535)
    writable_object: Literal["sysContact", "sysName", "sysLocation"] = "sysLocation"
    read_community: Secret | None = Field(
        None, description="the unit's own read community: shows the agent is up when every guess goes unanswered"
    )


def _no_wildcards(topics: list[str]) -> list[str]:
    if any(char in topic for topic in topics for char in "#+"):
        raise ValueError("configuration topics are concrete topics (no # or + wildcards): they are published to")
    return topics


class MqttInterface(Declared):
    """An MQTT broker on the unit; `config_topics` read or change its settings (anonymous access is checked)."""

    kind: Literal["mqtt"]
    port: int = Field(1883, ge=1, le=65535)
    config_topics: Annotated[list[str], Field(min_length=1), AfterValidator(_no_wildcards)]
    observer: Credential | None = Field(
        None, description="an account that may read and write the topics: it shows whether anonymous publishes arrive"
    )


class UpnpInterface(Declared):
    """A UPnP Internet Gateway Device: its SSDP (UDP 1900) and the HTTP port that serves `description`."""

    kind: Literal["upnp"]
    port: int = Field(ge=1, le=65535, description="TCP port of the device description and control URLs")
    description: str = "/rootDesc.xml"


class ExposedService(Declared):
    """A service the unit knowingly exposes that is not a management interface, and why (item 1 scan)."""

    port: int = Field(ge=1, le=65535)
    transport: Literal["tcp", "udp"] = "tcp"
    reason: str = Field(min_length=1)


Interface = Annotated[
    HttpInterface | SshInterface | TelnetInterface | SnmpInterface | MqttInterface | UpnpInterface,
    Field(discriminator="kind"),
]


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
        if self.claim == "unique_per_unit" and self.units and len(self.units) < 2:
            raise FieldError(("units",), "a unique-per-unit claim lists two or more `units` with their label "
                                         "credentials")
        addresses = [unit.address for unit in self.units]
        for index, address in enumerate(addresses):
            if address in addresses[:index]:
                raise FieldError(("units", index, "address"), f"each of `units` needs its own address "
                                                              f"({address} is given twice)")
        return self


class Equivalence(Declared):
    """An ISO/IEC 15408 (Common Criteria) certificate the items are met by: declared, never tested."""

    basis: Literal["ISO/IEC 15408"] = "ISO/IEC 15408"
    certificate: str = Field(min_length=1, description="the certificate id, e.g. JISEC-C0123")
    assurance_level: str | None = Field(None, description="e.g. EAL2")
    items: Annotated[list[Literal["TER-34-10-1", "TER-34-10-2", "TER-34-10-3", "TER-34-10-4"]],
                     Field(min_length=1)] = ["TER-34-10-1", "TER-34-10-2", "TER-34-10-3", "TER-34-10-4"]


class Exemption(Declared):
    """The unit is out of scope of Art. 34-10 (its item 1-4 functions change with user-installed software)."""

    basis: Literal["user_installable_software"]
    reason: str = Field(min_length=1, description="why, in the operator's words (shown on the report)")


class PasswordChange(Declared):
    """How to change the password over the web admin; fields take {current} and {new}."""

    interface: Literal["http"] = "http"
    path: str
    body: Literal["form", "json"] = "form"
    fields: dict[str, str]


SYS_DESCR = "1.3.6.1.2.1.1.1.0"  # RFC 3418 sysDescr.0


class VersionProbe(Declared):
    """How to read the firmware version: a JSON field or a regex match of an (authenticated) web
    answer, an SSH command's output, or an SNMP object (whole, or the regex match in it)."""

    interface: Literal["http", "ssh", "snmp"] = "http"
    path: str | None = Field(None, description="http: the page or API path")
    json_field: str | None = Field(None, description="http: the answer's JSON field holding the version")
    regex: str | None = Field(None, description="the version is group 1 (or group `version`) of its first match")
    command: str | None = Field(None, description="ssh: the command that prints the version")
    community: Secret | None = Field(None, description="snmp: the read community")
    oid: str = Field(SYS_DESCR, pattern=r"^\d+(\.\d+)+$", description="snmp: the OID read (sysDescr.0 by default)")

    @model_validator(mode="after")
    def _one_way_to_read(self) -> "VersionProbe":
        if self.interface == "http" and (self.path is None or (self.json_field is None) == (self.regex is None)):
            raise ValueError("an http version probe needs `path` and one of `json_field` or `regex`")
        if self.interface == "ssh" and (self.command is None or self.path or self.json_field):
            raise ValueError("an ssh version probe needs `command` (and optionally `regex`), no `path`")
        if self.interface == "snmp" and (self.community is None or self.path or self.json_field or self.command):
            raise ValueError("an snmp version probe needs `community` (and optionally `oid`, `regex`) only")
        return self


def _template_fields(template: str) -> set[str] | None:
    """The placeholders of a str.format template; None when it is malformed or converts or formats one."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(name is not None and (spec or conversion) for _, name, spec, conversion in parsed):
        return None
    return {name for _, name, _, _ in parsed if name is not None}


class Update(Declared):
    """How to install an update image and which version it must bring."""

    interface: Literal["http", "ssh"] = Field("http", description="ssh for (and only for) ssh_command")
    method: Literal["http_upload", "swupdate", "ssh_command"] = Field(
        "http_upload", description="http_upload: the web admin's upload form; swupdate: the agent's web upload; "
                                   "ssh_command: the image copied over SFTP, then `command` run over SSH")
    port: int | None = Field(None, ge=1, le=65535, description="swupdate: its web server's port (8080 by default); "
                             "ssh_command: the port of the declared ssh interface used (the first by default)")
    path: str | None = Field(None, description="http_upload, swupdate: the upload path; ssh_command: the folder "
                                               "on the unit the image is copied to")
    field: str = "image"
    command: str | None = Field(None, description="ssh_command: the install command; {image} becomes the "
                                                  "copied image's path (shell-quoted)")
    command_timeout_s: Annotated[float, Field(gt=0, le=600)] = Field(
        120.0, description="ssh_command: how long the copy and the install command may take together")
    image: ProfilePath
    expected_version: str
    settle_s: Annotated[float, Field(gt=0, le=120)] = Field(
        8.0, description="how long an agent that installs after answering gets before the version is read")
    rollback_protection: bool = Field(False, description="the unit claims to refuse images older than it runs")
    older_image: ProfilePath | None = Field(None, description="a genuine image of an older release")
    older_version: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _ssh_command_runs_over_ssh(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("method") == "ssh_command":
            return {"interface": "ssh", **data}
        return data

    @model_validator(mode="after")
    def _method_has_what_it_needs(self) -> "Update":
        if self.method != "ssh_command":
            if self.interface != "http" or self.path is None or self.command is not None:
                raise ValueError(f"a {self.method} update runs over http and needs `path` (no `command`)")
            return self
        if self.interface != "ssh":
            raise ValueError("an ssh_command update runs over ssh (`interface: ssh`)")
        if self.path is None or not self.path.startswith("/"):
            raise ValueError("an ssh_command update needs `path`: the absolute folder on the unit the image goes to")
        if self.command is None or _template_fields(self.command) != {"image"}:
            raise ValueError("an ssh_command update needs `command` with the placeholder {image} and no other "
                             "(write {{ and }} for literal braces)")
        return self

    @model_validator(mode="after")
    def _older_image_declared(self) -> "Update":
        if self.rollback_protection and (self.older_image is None or self.older_version is None):
            raise ValueError("a rollback-protection claim needs `older_image` and `older_version` to check it")
        return self


class Firmware(Declared):
    """Reading and updating the unit's software (TER item 3)."""

    version: VersionProbe
    update: Update


class NetnsPowerSettings(Declared):
    """Power for a reference device in a network namespace."""

    driver: Literal["netns"]
    namespace: str
    boot: ProfilePath
    console_log: ProfilePath | None = None


class ManualPowerSettings(Declared):
    """An operator switches power by hand when asked."""

    driver: Literal["manual"]


class QemuPowerSettings(Declared):
    """A unit booted in QEMU: power off is SIGKILL of QEMU, power on starts it again on the same disk."""

    driver: Literal["qemu"]
    machine: ProfilePath = Field(description="the machine description (JSON, see harness.power.qemu.QemuMachine)")
    boot_timeout_s: Annotated[float, Field(gt=0, le=600)] = 120.0


class PlugCredentials(Declared):
    """The login of a smart plug's web API."""

    username: str = "admin"
    password: Secret


class TasmotaPowerSettings(Declared):
    """A Tasmota smart plug, switched over its HTTP command API (`/cm?cmnd=Power Off`)."""

    driver: Literal["tasmota"]
    address: str
    relay: Annotated[int, Field(ge=1, le=8)] = 1
    credentials: PlugCredentials | None = None


class ShellyPowerSettings(Declared):
    """A Shelly plug or relay: Gen1 HTTP API (`/relay/0?turn=off`) or Gen2 RPC (`Switch.Set`)."""

    driver: Literal["shelly"]
    address: str
    generation: Literal[1, 2] = 2
    channel: Annotated[int, Field(ge=0, le=7)] = 0
    credentials: PlugCredentials | None = None


class SnmpPduPowerSettings(Declared):
    """An outlet of an APC switched PDU, switched over SNMP v2c (PowerNet MIB sPDUOutletCtl)."""

    driver: Literal["snmp_pdu"]
    address: str
    port: int = Field(161, ge=1, le=65535)
    outlet: Annotated[int, Field(ge=1, le=48)]
    write_community: Secret


class SerialRelayPowerSettings(Declared):
    """A USB serial relay board (LCUS type): A0 <relay> <state> <checksum>."""

    driver: Literal["serial_relay"]
    port: str = Field(description="serial device, e.g. /dev/ttyUSB0")
    relay: Annotated[int, Field(ge=1, le=8)] = 1
    baudrate: int = 9600


PowerSettings = Annotated[
    NetnsPowerSettings | ManualPowerSettings | QemuPowerSettings | TasmotaPowerSettings | ShellyPowerSettings
    | SnmpPduPowerSettings | SerialRelayPowerSettings,
    Field(discriminator="driver"),
]


class DeviceProfile(Declared):
    """A unit's declaration: identity, where it is, what it exposes and how to operate it."""

    tekigo_profile: Literal[1] = Field(description="profile format version")
    equipment: Equipment
    unit: Unit
    lab: Lab
    interfaces: Annotated[list[Interface], Field(min_length=1)]
    factory_default: Credential
    new_password: Secret = Field(description="the password the harness sets at first use")
    first_use: FirstUse
    password_change: PasswordChange
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
    def _version_probe_has_its_interface(cls, firmware: Firmware, info: ValidationInfo) -> Firmware:
        kind = firmware.version.interface
        declared = info.data.get("interfaces")
        if kind != "http" and declared is not None and not any(i.kind == kind for i in declared):
            raise FieldError(("version", "interface"),
                             f"the version probe reads over {kind}: declare an {kind} interface in `interfaces`")
        return firmware

    @field_validator("firmware")
    @classmethod
    def _update_has_its_interface(cls, firmware: Firmware, info: ValidationInfo) -> Firmware:
        update, declared = firmware.update, info.data.get("interfaces")
        if update.method != "ssh_command" or declared is None:
            return firmware
        ssh = [i for i in declared if isinstance(i, SshInterface)]
        if not ssh:
            raise FieldError(("update", "method"), "the update runs over ssh: declare an ssh interface in "
                                                   "`interfaces`")
        if update.port is not None and not any(i.port == update.port for i in ssh):
            raise FieldError(("update", "port"), f"the update runs over ssh port {update.port}: no ssh interface "
                                                 "declares it")
        return firmware

    @model_validator(mode="after")
    def _consistent(self) -> "DeviceProfile":
        if not any(self.unit.address in network for network in self.lab.networks):
            raise FieldError(("unit", "address"), f"unit.address {self.unit.address} is outside lab.networks; "
                                                  "the harness sends nothing there")
        if self.new_password.get_secret_value() == self.factory_default.password.get_secret_value():
            raise FieldError(("new_password",), "new_password must differ from the factory default")
        if not self.http_interfaces():
            raise FieldError(("interfaces",), "at least one http interface is needed (password change, version, "
                                              "update)")
        for index, labelled in enumerate(self.first_use.units):
            if not any(labelled.address in network for network in self.lab.networks):
                raise FieldError(("first_use", "units", index, "address"),
                                 f"first_use.units: {labelled.address} is outside lab.networks")
        if self.equivalence and self.exemption:
            raise FieldError(("exemption",), "declare either `equivalence` or `exemption`: an exempt unit needs "
                                             "no equivalence")
        return self

    def http_interfaces(self) -> list[HttpInterface]:
        return [i for i in self.interfaces if isinstance(i, HttpInterface)]

    def interfaces_of(self, kind: str) -> list[HttpInterface | SshInterface | TelnetInterface]:
        return [i for i in self.interfaces if i.kind == kind]

    def secrets(self) -> dict[str, str]:
        """Every secret value of the profile by name, for redaction (published defaults excluded)."""
        found = {"new_password": self.new_password.get_secret_value()}
        if not self.factory_default.published:
            found["factory_default"] = self.factory_default.password.get_secret_value()
        if isinstance(self.power, TasmotaPowerSettings | ShellyPowerSettings) and self.power.credentials:
            found["power_password"] = self.power.credentials.password.get_secret_value()
        if isinstance(self.power, SnmpPduPowerSettings):
            found["power_community"] = self.power.write_community.get_secret_value()
        for interface in self.interfaces:
            if isinstance(interface, MqttInterface) and interface.observer and not interface.observer.published:
                found[f"mqtt_observer_{interface.port}"] = interface.observer.password.get_secret_value()
            if isinstance(interface, SnmpInterface) and interface.read_community:
                found[f"snmp_read_community_{interface.port}"] = interface.read_community.get_secret_value()
        if self.firmware.version.community:
            found["version_community"] = self.firmware.version.community.get_secret_value()
        for labelled in self.first_use.units:
            if not labelled.label.published:
                found[f"label_{labelled.serial}"] = labelled.label.password.get_secret_value()
        return found
