"""Report renderers read only the run record and show a unit's strings as text."""

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.report.html import render_html
from harness.report.junit import write_junit

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def record() -> dict:
    test = {"nodeid": "testcases/t.py::test_a[http:80]", "interface": "http:80", "verdict": "FAIL",
            "reason": f"banner {HOSTILE}", "evidence": ["evidence/a/exchanges.txt"], "findings": [],
            "seconds": 0.5}
    requirement = {"id": "TER-34-10-1", "clause": "第34条の10 第1号", "title": {"ja": "アクセス制御機能",
                   "en": "Access control"}, "cross_references": ["EN 303 645 5.5-5"], "verdict": "FAIL",
                   "tests": [test]}
    return {"schema": "tekigo/results/v1", "tool": {"name": "tekigo", "version": "0"},
            "environment": {"python": "3.11", "platform": "linux"},
            "equipment": {"name": HOSTILE, "model": "M", "manufacturer": "X", "serial": "S",
                          "firmware_version": "1", "kind": "camera"},
            "unit": {"address": "198.18.0.12", "power_driver": "netns"}, "lab": {"networks": ["198.18.0.0/24"]},
            "first_use_claim": "forced_change", "started": "t0", "finished": "t1", "verdict": "FAIL",
            "requirements": [requirement]}


def test_html_shows_hostile_strings_as_text() -> None:
    html = render_html(record())
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "不適合" in html and "アクセス制御機能" in html


def test_junit_marks_fail_as_failure_with_requirement_properties(tmp_path: Path) -> None:
    root = ET.parse(write_junit(tmp_path, record())).getroot()
    case = root.find("testcase")
    assert case is not None and case.find("failure") is not None
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["requirement"] == "TER-34-10-1" and properties["verdict"] == "FAIL"
    assert root.get("failures") == "1"
