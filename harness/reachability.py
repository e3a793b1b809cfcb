"""Whether the unit is there at all: one declared interface that answers is enough (TCP connect, SNMP GET)."""

import socket

from harness.evidence import Redactor, Transcript
from harness.profile import DeviceProfile, SnmpInterface
from harness.scope import LabScope
from harness.transports.snmp import SnmpClient


def silent_interfaces(profile: DeviceProfile, scope: LabScope, redactor: Redactor) -> list[str] | None:
    """None as soon as one declared interface answers; otherwise why each one did not.

    SNMP runs over UDP, where a TCP connect means nothing and an agent stays silent to a community it does not
    know: it answers only a GET with the declared `read_community`.
    """
    address = str(profile.unit.address)
    reasons = []
    for declared in profile.interfaces:
        if isinstance(declared, SnmpInterface):
            if declared.read_community is None:
                reasons.append(f"snmp:{declared.port} (UDP) not probed: no read_community declared")
                continue
            client = SnmpClient(address, declared, scope, Transcript("reachability", redactor))
            if client.answers(declared.read_community.get_secret_value()):
                return None
            reasons.append(f"snmp:{declared.port} no answer to a GET with the read community")
            continue
        try:
            socket.create_connection((address, declared.port), timeout=profile.unit.connect_timeout_s).close()
            return None
        except OSError as error:
            reasons.append(f"{declared.kind}:{declared.port} {error.strerror or error}")
    return reasons
