"""An APC PDU's outlet control for a real net-snmp snmpd, through its pass_persist protocol.

snmpd.conf(5), "pass_persist": snmpd writes PING / get / getnext / set requests to our stdin and
reads the answers. Served: PowerNet MIB sPDUOutletCtl (1.3.6.1.4.1.318.1.1.4.4.2.1.3.<outlet>),
INTEGER outletOn(1), outletOff(2), outletReboot(3). The outlets' state is kept in a JSON file (the
relays), so a test can see what the PDU did.
"""

import json
import sys
from pathlib import Path

BASE = ".1.3.6.1.4.1.318.1.1.4.4.2.1.3"
OUTLETS = 8
ON, OFF, REBOOT = 1, 2, 3


def main() -> None:
    state = Path(sys.argv[1])
    if not state.exists():
        state.write_text(json.dumps({str(n): ON for n in range(1, OUTLETS + 1)}))
    lines = iter(sys.stdin.readline, "")
    for command in lines:
        command = command.strip()
        if not command:
            continue  # snmpd ends a set request with an empty line
        if command == "PING":
            answer = "PONG"
        elif command in ("get", "getnext", "set"):
            oid = next(lines).strip()
            outlets = json.loads(state.read_text())
            if command == "set":
                kind, _, value = next(lines).strip().partition(" ")
                outlet = oid.removeprefix(BASE + ".")
                if kind != "integer" or not value.isdigit() or int(value) not in (ON, OFF, REBOOT):
                    answer = "wrong-value"
                elif outlet not in outlets:
                    answer = "not-writable"
                else:
                    outlets[outlet] = ON if int(value) == REBOOT else int(value)
                    state.write_text(json.dumps(outlets))
                    answer = "DONE"
            else:
                answer = lookup(oid, outlets, following=command == "getnext")
        else:
            answer = "NONE"
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


def lookup(oid: str, outlets: dict[str, int], following: bool) -> str:
    names = [f"{BASE}.{n}" for n in sorted(map(int, outlets))]
    if following:
        after = [name for name in names if _key(name) > _key(oid)]
        found = after[0] if after else None
    else:
        found = oid if oid in names else None
    return "NONE" if found is None else f"{found}\ninteger\n{outlets[found.rsplit('.', 1)[1]]}"


def _key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.strip(".").split("."))


if __name__ == "__main__":
    main()
