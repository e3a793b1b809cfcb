"""The HTML report: one self-contained page rendered from the run record."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

VERDICT_WORDS = {
    "PASS": ("適合", "Conforms"),
    "FAIL": ("不適合", "Does not conform"),
    "INCONCLUSIVE": ("判定不能", "Inconclusive"),
    "NOT_APPLICABLE": ("該当なし", "Not applicable"),
}


def render_html(record: dict[str, Any]) -> str:
    environment = Environment(
        loader=PackageLoader("harness.report", "templates"), autoescape=select_autoescape(default=True)
    )
    template = environment.get_template("report.html.j2")
    return template.render(record=record, words=VERDICT_WORDS)


def write_html(run_dir: Path, record: dict[str, Any]) -> Path:
    path = run_dir / "report.html"
    path.write_text(render_html(record), encoding="utf-8")
    return path
