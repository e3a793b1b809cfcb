"""Reading and updating the unit's software (TER item 3) as the profile declares it."""

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from harness.profile.declared import Declared, ProfilePath, Secret
from harness.profile.requests import template_fields
from harness.yaml_model import FieldError

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
        if self.command is None or template_fields(self.command) != {"image"}:
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


def check_firmware_interfaces(firmware: Firmware, declared: Sequence[Any]) -> None:
    """Raise FieldError when the version probe or the update needs an interface `declared` lacks."""
    kind = firmware.version.interface
    if not any(i.kind == kind for i in declared):
        raise FieldError(("version", "interface"),
                         f"the version probe reads over {kind}: declare an {kind} interface in `interfaces`")
    update = firmware.update
    if update.method == "http_upload" and not any(i.kind == "http" for i in declared):
        raise FieldError(("update", "path"), "the update is uploaded to the web admin: declare an http "
                                             "interface in `interfaces`")
    if update.method == "ssh_command":
        ssh = [i for i in declared if i.kind == "ssh"]
        if not ssh:
            raise FieldError(("update", "method"), "the update runs over ssh: declare an ssh interface in "
                                                   "`interfaces`")
        if update.port is not None and not any(i.port == update.port for i in ssh):
            raise FieldError(("update", "port"), f"the update runs over ssh port {update.port}: no ssh "
                                                 "interface declares it")
