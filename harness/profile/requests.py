"""Request templates: the HTTP requests a profile declares (login, setup, password or setting change)."""

import re
import string
from typing import Any, Literal

from pydantic import Field, model_validator

from harness.profile.declared import Declared

# Every placeholder a template may hold; each use narrows it (see `check_placeholders`).
PLACEHOLDERS = frozenset({"username", "password", "current_password", "new_password", "token", "csrf", "probe"})
JSON_PATH = re.compile(r"^(\$\.)?[^.\[\]]+(\[\d+\])*(\.[^.\[\]]+(\[\d+\])*)*$")


def template_fields(template: str) -> set[str] | None:
    """The placeholders of a str.format template; None when it is malformed or converts or formats one."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(name is not None and (spec or conversion) for _, name, spec, conversion in parsed):
        return None
    return {name for _, name, _, _ in parsed if name is not None}


def strings_in(value: Any) -> list[str]:
    """Every string of a JSON-like value, keys included, at any depth."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*strings_in(key), *strings_in(item))]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


class RequestTemplate(Declared):
    """One HTTP request with {placeholders}: a typed JSON body, a form, or a raw body of a content type."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    path: str | None = Field(None, description="the request path; placeholders in it are percent-encoded")
    headers: dict[str, str] = Field({}, description="extra headers; a value rendered with CR or LF is refused")
    json_body: Any = Field(None, alias="json", description="a JSON body: objects, lists, numbers and booleans "
                           "stay typed; a placeholder inside a string stays inside that string")
    form: dict[str, str] | None = Field(None, description="an urlencoded form of flat strings")
    body: str | None = Field(None, description="a raw body; placeholder values are escaped for `content_type`")
    content_type: str | None = Field(None, description="the raw body's Content-Type")
    expect: list[int] | None = Field(None, description="statuses that mean accepted (default: any 2xx)")

    @model_validator(mode="after")
    def _one_body(self) -> "RequestTemplate":
        bodies = [name for name, value in (("json", self.json_body), ("form", self.form), ("body", self.body))
                  if value is not None]
        if len(bodies) > 1:
            raise ValueError(f"a request has one body at most: {' and '.join(bodies)} given")
        if (self.content_type is not None) != (self.body is not None):
            raise ValueError("a raw `body` needs its `content_type` (and `content_type` is for a raw body only)")
        for text in self.texts():
            fields = template_fields(text)
            if fields is None:
                raise ValueError(f"malformed placeholder in {text!r} (write {{{{ and }}}} for literal braces)")
            unknown = fields - PLACEHOLDERS
            if unknown:
                raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}} in {text!r}; known: "
                                 + ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS)))
        return self

    def texts(self) -> list[str]:
        """Every string of the template that is rendered."""
        return [*([self.path] if self.path else []), *self.headers.values(), *strings_in(self.json_body),
                *(self.form or {}).values(), *([self.body] if self.body else [])]

    def placeholders(self) -> set[str]:
        """The placeholders the template uses."""
        return {name for text in self.texts() for name in template_fields(text) or set()}


def check_placeholders(template: RequestTemplate, allowed: set[str], where: str) -> None:
    """Refuse a placeholder that has no value where `template` is used."""
    extra = template.placeholders() - allowed
    if extra:
        raise ValueError(f"{where} has no value for {{{sorted(extra)[0]}}}; it may use "
                         + ", ".join(f"{{{name}}}" for name in sorted(allowed)))
