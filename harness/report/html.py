"""The HTML report: one self-contained page (styles inline, nothing fetched) from the report contents."""

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from harness.report.contents import ReportContents
from harness.report.wording import Language, load_wording

# C0 controls (but tab and newline) and DEL: a unit may send them; HTML and PDF must not carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _printable(value: Any) -> Any:
    """Every value the template prints, before escaping: control characters become U+FFFD."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value  # markup was built by the template's macros from values already made printable
    return CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", value)


def _css_string(text: str) -> Markup:
    """`text` as a quoted CSS string (for the page margins' wording): safe inside <style>."""
    escaped = "".join(c if c.isalnum() or c in " .-:/" or ord(c) > 127 else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("harness.report", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        finalize=_printable,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css_string"] = _css_string
    return environment


# Compiled once, on import (~0.1 CPU-s): forked unit runs (harness/forked_runs.py preloads this module) inherit it.
_REPORT_TEMPLATE = _environment().get_template("report.html.j2")


def render_html(contents: ReportContents, language: Language = "both") -> str:
    """The report as one HTML document; the unit's strings are escaped, never interpreted."""
    wording = load_wording()
    return _REPORT_TEMPLATE.render(c=contents, L=wording.labels, W=wording, lang=language)


def write_html(run_dir: Path, html: str) -> Path:
    path = run_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
