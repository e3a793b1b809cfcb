"""The unit's interfaces as declared: web admins, SSH, telnet, SNMP, MQTT, UPnP; any may be open by design."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from harness.profile.declared import Credential, Declared, Secret
from harness.profile.logins import CsrfEcho, HttpLogin
from harness.profile.requests import RequestTemplate, check_placeholders

Auth = Literal["none"] | None
AUTH_FIELD = Field(None, description="`none`: open by design, no login at all (item 1 judges it on the unit)")
# What a setting-change request may carry: the probe value, and the session's token or CSRF value.
CHANGE_PLACEHOLDERS = {"probe", "token", "csrf", "username"}


class ProtectedPath(Declared):
    """A setting the unit must guard: reading it and changing it both need authentication."""

    path: str
    read: bool = True
    marker: str | None = Field(None, description="text present only in the authorised answer")
    change: RequestTemplate | None = Field(
        None, description="the change request ({probe} is a unique value; path defaults to `path`)")
    read_back: str | None = Field(None, description="path to read the setting back (default: path)")

    @model_validator(mode="after")
    def _change_writes_the_probe(self) -> "ProtectedPath":
        if self.change is not None:
            check_placeholders(self.change, CHANGE_PLACEHOLDERS, "a setting change")
            if "probe" not in self.change.placeholders():
                raise ValueError("a setting change writes {probe} (a unique value the check reads back)")
        return self

    @property
    def change_path(self) -> str:
        """Where the change request goes."""
        return (self.change.path if self.change else None) or self.path


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
    """A web admin: with a `login`, or `auth: none` when it is open by design."""

    kind: Literal["http"]
    port: int = Field(80, ge=1, le=65535)
    tls: bool = False
    auth: Auth = AUTH_FIELD
    login: HttpLogin | None = None
    csrf: CsrfEcho | None = Field(None, description="a cookie echoed in a header or field on every request")
    protected: list[ProtectedPath] = Field(default_factory=list)
    lockout: Lockout | None = Field(None, description="declared lockout of repeated failed logins")

    @model_validator(mode="after")
    def _login_or_open(self) -> "HttpInterface":
        if (self.login is None) == (self.auth is None):
            raise ValueError("a web admin declares its `login`, or `auth: none` when it has none (one of them)")
        if self.auth and self.lockout:
            raise ValueError("an interface without login (`auth: none`) has no lockout")
        return self


class SshInterface(Declared):
    """An SSH server; `username` is the account the unit's credential applies to."""

    kind: Literal["ssh"]
    port: int = Field(22, ge=1, le=65535)
    auth: Auth = AUTH_FIELD
    username: str | None = None


class TelnetInterface(Declared):
    """A telnet server."""

    kind: Literal["telnet"]
    port: int = Field(23, ge=1, le=65535)
    auth: Auth = AUTH_FIELD


class SnmpInterface(Declared):
    """An SNMP agent (UDP); the write probe sets `writable_object` first (a harmless MIB-II text), then the others."""

    kind: Literal["snmp"]
    port: int = Field(161, ge=1, le=65535)
    auth: Auth = AUTH_FIELD
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
    auth: Auth = AUTH_FIELD
    config_topics: Annotated[list[str], Field(min_length=1), AfterValidator(_no_wildcards)]
    observer: Credential | None = Field(
        None, description="an account that may read and write the topics: it shows whether anonymous publishes arrive"
    )


class UpnpInterface(Declared):
    """A UPnP Internet Gateway Device: its SSDP (UDP 1900) and the HTTP port that serves `description`."""

    kind: Literal["upnp"]
    auth: Auth = AUTH_FIELD
    port: int = Field(ge=1, le=65535, description="TCP port of the device description and control URLs")
    description: str = "/rootDesc.xml"


Interface = Annotated[
    HttpInterface | SshInterface | TelnetInterface | SnmpInterface | MqttInterface | UpnpInterface,
    Field(discriminator="kind"),
]
LoginInterface = HttpInterface | SshInterface | TelnetInterface
