"""Rendering a request template: placeholder values put in structurally, escaped for where they go."""

import json
import string
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from harness.profile.requests import RequestTemplate

CONTROL = ("\r", "\n", "\0")


class TemplateError(ValueError):
    """A template that cannot be rendered with these values (a missing value, a header made unsafe)."""


@dataclass(frozen=True)
class RenderedRequest:
    """A request ready to send: exactly one of `json_body`, `form`, `body` (or none)."""

    method: str
    path: str
    headers: dict[str, str]
    json_body: Any = None
    form: dict[str, str] | None = None
    body: bytes | None = None
    expect: tuple[int, ...] | None = None

    def accepted(self, status: int) -> bool:
        """The unit took the request: one of the declared statuses, or any 2xx."""
        return status in self.expect if self.expect else 200 <= status < 300


def render(template: RequestTemplate, values: Mapping[str, str], default_path: str | None = None,
           default_method: str | None = None) -> RenderedRequest:
    """`template` with `values` put in: a JSON string stays one string, a path segment stays one segment."""
    path = template.path or default_path
    if path is None:
        raise TemplateError("the request has no path")
    headers = {name: fill(value, values, _header_safe) for name, value in template.headers.items()}
    method = default_method if default_method and "method" not in template.model_fields_set else template.method
    rendered = RenderedRequest(method, fill(path, values, _path_safe), headers,
                               expect=tuple(template.expect) if template.expect else None)
    if template.json_body is not None:
        return RenderedRequest(**{**rendered.__dict__, "json_body": _json(template.json_body, values)})
    if template.form is not None:
        return RenderedRequest(**{**rendered.__dict__,
                                  "form": {key: fill(value, values) for key, value in template.form.items()}})
    if template.body is not None:
        content_type = template.content_type or "text/plain"
        body = fill(template.body, values, _escaper(content_type)).encode("utf-8")
        return RenderedRequest(**{**rendered.__dict__, "body": body,
                                  "headers": {"Content-Type": content_type, **headers}})
    return rendered


def fill(text: str, values: Mapping[str, str], escape: Any = None) -> str:
    """`text` with each {placeholder} replaced by its value passed through `escape`; {{ }} are literal braces."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            if name not in values:
                raise TemplateError(f"no value for {{{name}}} here")
            parts.append(escape(values[name]) if escape else values[name])
    return "".join(parts)


def _json(value: Any, values: Mapping[str, str]) -> Any:
    """The JSON body with placeholders filled inside its strings only: typed values stay typed."""
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, dict):
        return {fill(str(key), values): _json(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item, values) for item in value]
    return value


def _path_safe(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _header_safe(value: str) -> str:
    if any(char in value for char in CONTROL):
        raise TemplateError("a header value would carry CR, LF or NUL (header injection): refused")
    return value


def _escaper(content_type: str) -> Any:
    """How a value is escaped in a raw body of `content_type`."""
    kind = content_type.split(";")[0].strip().lower()
    if kind.endswith("json"):
        return lambda value: json.dumps(value)[1:-1]
    if kind.endswith("xml"):
        return lambda value: xml_escape(value, {'"': "&quot;", "'": "&apos;"})
    if kind == "application/x-www-form-urlencoded":
        return lambda value: urllib.parse.quote(value, safe="")
    return _no_control


def _no_control(value: str) -> str:
    if any(char in value for char in CONTROL):
        raise TemplateError("a value with CR, LF or NUL in a plain raw body: refused")
    return value
