"""An outlet of an APC switched PDU, switched over SNMP v2c (pysnmp).

PowerNet MIB (APC, powernet.mib): sPDUOutletCtl, 1.3.6.1.4.1.318.1.1.4.4.2.1.3.<outlet>, INTEGER
outletOn(1), outletOff(2), outletReboot(3); a GET of the same object reads the outlet's state back.
"""

import asyncio
import time
from dataclasses import dataclass

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
    set_cmd,
)
from pysnmp.proto.rfc1902 import Integer

from harness.power.protocol import PowerError

OUTLET_CONTROL = "1.3.6.1.4.1.318.1.1.4.4.2.1.3"
OUTLET_ON, OUTLET_OFF = 1, 2


@dataclass(frozen=True)
class ApcOutlet:
    """Sets the outlet, then reads it back until it reports the new state (bounded)."""

    address: str
    outlet: int
    write_community: str
    port: int = 161
    timeout_s: float = 2.0
    settle_s: float = 10.0

    def off(self) -> None:
        self._switch(OUTLET_OFF)

    def on(self) -> None:
        self._switch(OUTLET_ON)

    def _switch(self, state: int) -> None:
        asyncio.run(self._request(Integer(state)))
        deadline = time.monotonic() + self.settle_s
        while (reported := asyncio.run(self._request(None))) != state:
            if time.monotonic() > deadline:
                raise PowerError(f"PDU {self.address} outlet {self.outlet} reports {reported}, wanted {state}")
            time.sleep(0.2)

    async def _request(self, value: Integer | None) -> int:
        """SET the outlet's control object to `value`, or GET it when `value` is None; the value after."""
        engine = SnmpEngine()
        try:
            target = await UdpTransportTarget.create((self.address, self.port), timeout=self.timeout_s, retries=1)
            oid = ObjectIdentity(f"{OUTLET_CONTROL}.{self.outlet}")
            community = CommunityData(self.write_community, mpModel=1)
            if value is None:
                result = await get_cmd(engine, community, target, ContextData(), ObjectType(oid))
            else:
                result = await set_cmd(engine, community, target, ContextData(), ObjectType(oid, value))
        finally:
            engine.close_dispatcher()
        indication, status, _, bindings = result
        if indication or status:
            raise PowerError(f"PDU {self.address} outlet {self.outlet}: {indication or status.prettyPrint()}")
        try:
            return int(bindings[0][1])
        except (TypeError, ValueError, IndexError) as error:
            raise PowerError(f"PDU {self.address} outlet {self.outlet}: no integer state in the answer") from error
