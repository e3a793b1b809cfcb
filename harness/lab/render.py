"""Renders the device files kept as templates (boot script, lighttpd configuration)."""

import shlex
from pathlib import Path
from typing import Any

import jinja2

from harness.lab.errors import LabError

TEMPLATES = Path(__file__).parent / "templates"


def lighttpd_string(value: object) -> str:
    """A lighttpd configuration string; our values never need escaping, so refuse any that would."""
    text = str(value)
    if any(char in text for char in '"\\\n'):
        raise LabError(f"{text!r} cannot go into a lighttpd configuration string")
    return f'"{text}"'


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # shell scripts and lighttpd configuration, quoted by the filters below
)
_environment.filters["sh"] = lambda value: shlex.quote(str(value))
_environment.filters["lq"] = lighttpd_string


def render(template: str, **values: Any) -> str:
    return _environment.get_template(template).render(**values)
