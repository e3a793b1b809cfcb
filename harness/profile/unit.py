"""Who and where the unit is, the networks the run may use, and what it knowingly exposes."""

import ipaddress
from typing import Annotated, Literal

from pydantic import Field

from harness.profile.declared import Declared


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


class ExposedService(Declared):
    """A service the unit knowingly exposes that is not a management interface, and why (item 1 scan)."""

    port: int = Field(ge=1, le=65535)
    transport: Literal["tcp", "udp"] = "tcp"
    reason: str = Field(min_length=1)


ITEMS = ("TER-34-10-1", "TER-34-10-2", "TER-34-10-3", "TER-34-10-4")


class Equivalence(Declared):
    """An ISO/IEC 15408 (Common Criteria) certificate the items are met by: declared, never tested."""

    basis: Literal["ISO/IEC 15408"] = "ISO/IEC 15408"
    certificate: str = Field(min_length=1, description="the certificate id, e.g. JISEC-C0123")
    assurance_level: str | None = Field(None, description="e.g. EAL2")
    items: Annotated[list[Literal["TER-34-10-1", "TER-34-10-2", "TER-34-10-3", "TER-34-10-4"]],
                     Field(min_length=1)] = Field(default_factory=lambda: list(ITEMS))


class Exemption(Declared):
    """The unit is out of scope of Art. 34-10 (its item 1-4 functions change with user-installed software)."""

    basis: Literal["user_installable_software"]
    reason: str = Field(min_length=1, description="why, in the operator's words (shown on the report)")
