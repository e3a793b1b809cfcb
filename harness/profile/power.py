"""Power drivers as the profile declares them: how the harness cuts and restores the unit's supply."""

from typing import Annotated, Literal

from pydantic import Field

from harness.profile.declared import Declared, ProfilePath, Secret


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


class LabgridPowerSettings(Declared):
    """The unit sits on a labgrid place: its power comes from the place's resources (`tekigo run --place`)."""

    driver: Literal["labgrid"]
    place: str = Field(min_length=1, description="the place's name at the labgrid coordinator")


PowerSettings = Annotated[
    NetnsPowerSettings | ManualPowerSettings | QemuPowerSettings | TasmotaPowerSettings | ShellyPowerSettings
    | SnmpPduPowerSettings | SerialRelayPowerSettings | LabgridPowerSettings,
    Field(discriminator="driver"),
]
