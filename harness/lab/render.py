"""Renders the device files kept as templates (boot script, lighttpd configuration)."""

import shlex
from functools import cache
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


@cache
def _environment(folder: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # shell scripts and lighttpd configuration, quoted by the filters below
    )
    environment.filters["sh"] = lambda value: shlex.quote(str(value))
    environment.filters["lq"] = lighttpd_string
    return environment


def render(template: str, templates: Path = TEMPLATES, **values: Any) -> str:
    """`template` from the folder `templates` (the reference lab's by default) filled with `values`."""
    return _environment(templates).get_template(template).render(**values)
