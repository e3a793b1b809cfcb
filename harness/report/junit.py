"""JUnit XML from the run record, for CI systems: FAIL is a failure, INCONCLUSIVE an error."""

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any


def write_junit(run_dir: Path, record: dict[str, Any]) -> Path:
    tests = [(requirement, test) for requirement in record["requirements"] for test in requirement["tests"]]
    count = {v: sum(t["verdict"] == v for _, t in tests) for v in ("FAIL", "INCONCLUSIVE", "NOT_APPLICABLE")}
    suite = ET.Element(
        "testsuite",
        name=f"tekigo {record['equipment']['model']}",
        tests=str(len(tests)),
        failures=str(count["FAIL"]),
        errors=str(count["INCONCLUSIVE"]),
        skipped=str(count["NOT_APPLICABLE"]),
        time=f"{sum(t['seconds'] for _, t in tests):.3f}",
        timestamp=record["started"],
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="equipment_verdict", value=record["verdict"])
    for requirement, test in tests:
        module, _, name = test["nodeid"].rpartition("::")
        case = ET.SubElement(suite, "testcase", classname=module, name=name, time=f"{test['seconds']:.3f}")
        case_properties = ET.SubElement(case, "properties")
        ET.SubElement(case_properties, "property", name="requirement", value=requirement["id"])
        ET.SubElement(case_properties, "property", name="verdict", value=test["verdict"])
        for reference in requirement["cross_references"]:
            ET.SubElement(case_properties, "property", name="cross_reference", value=reference)
        tag = {"FAIL": "failure", "INCONCLUSIVE": "error", "NOT_APPLICABLE": "skipped"}.get(test["verdict"])
        if tag:
            ET.SubElement(case, tag, message=test["reason"][:500])
    path = run_dir / "junit.xml"
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
