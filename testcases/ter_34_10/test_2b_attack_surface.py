"""TER-34-10-1: every management interface the unit exposes is declared (and so checked by the suite).

A scan finds what the unit actually exposes: all TCP ports, the UDP probes (SNMP, SSDP, mDNS, CoAP) and
banners. An open management interface the profile does not declare escapes every access-control check:
it is a FAIL of item 1 (EN 303 645 5.6-1: unused interfaces disabled; 5.6-2: minimal exposure).
"""

from pathlib import Path

import pytest

from harness.net.management import classification, review
from harness.net.scan import scan, write_evidence
from harness.net.syn_sweep import SweepError
from harness.verdict import Inconclusive

pytestmark = pytest.mark.requirement("TER-34-10-1")

CROSS_REFERENCE = "EN 303 645 5.6-1"


@pytest.mark.timeout(180)
def test_no_undeclared_management_interface(device, profile, evidence):
    try:
        surface, sweep = scan(device.address, device.scope)
    except (SweepError, PermissionError) as error:
        raise Inconclusive(f"the port scan needs raw sockets (root in the tester namespace): {error}") from error
    services = [*surface.tcp, *surface.udp]
    folder = Path(evidence.attach("surface-review", classification(services, profile))).parent
    for path in write_evidence(evidence.store.run_dir / folder, surface, sweep):
        evidence.files.append((folder / path.name).as_posix())
    found = review(services, profile)
    for service in found.undeclared_management:
        evidence.finding(f"undeclared management interface {service.port}/{service.transport} {service.name}: "
                         f"{service.detail or service.banner or '(no banner)'}", CROSS_REFERENCE)
    assert not found.undeclared_management, (
        "open management interfaces the profile does not declare: " + "; ".join(found.lines()[
            :len(found.undeclared_management)]))
    if not surface.complete:
        raise Inconclusive(f"the scan is incomplete ({len(surface.unanswered)} ports unanswered "
                           f"{surface.stopped_by}): more interfaces may be open")
    if found.unclassified:
        raise Inconclusive("open services of unknown kind; declare each as an interface, or under `exposed` "
                           "with the reason it is no management interface: " + "; ".join(found.lines()))
