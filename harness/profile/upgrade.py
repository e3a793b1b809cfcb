"""Profile format 1 rewritten as format 2, on the document's data (secret references stay as written)."""

import string
from typing import Any

V1_PASSWORD_PLACEHOLDERS = {"current": "current_password", "new": "new_password"}


def upgraded(document: dict[str, Any]) -> dict[str, Any]:
    """The format-2 document saying what the (valid) format-1 `document` says."""
    v2 = {key: value for key, value in document.items()
          if key not in ("tekigo_profile", "factory_default", "first_use", "password_change", "interfaces")}
    v2 = {"tekigo_profile": 2, **v2}
    v2["interfaces"] = [_interface(interface) for interface in document["interfaces"]]
    v2["onboarding"] = _onboarding(document["first_use"], document["factory_default"])
    v2["password_change"] = _password_change(document["password_change"])
    return _ordered(v2)


def _ordered(v2: dict[str, Any]) -> dict[str, Any]:
    order = ["tekigo_profile", "equipment", "unit", "lab", "interfaces", "exposed", "onboarding", "new_password",
             "password_change", "firmware", "power", "expected", "equivalence", "exemption"]
    return {key: v2[key] for key in [*order, *sorted(set(v2) - set(order))] if key in v2}


def _interface(interface: dict[str, Any]) -> dict[str, Any]:
    if interface.get("kind") != "http" or not interface.get("protected"):
        return dict(interface)
    return {**interface, "protected": [_protected(protected) for protected in interface["protected"]]}


def _protected(protected: dict[str, Any]) -> dict[str, Any]:
    """v1 `change` (flat fields with {probe}, sent as `body`) → a request template."""
    v2 = {key: value for key, value in protected.items() if key not in ("change", "body")}
    if protected.get("change"):
        fields = {key: _literal_braces_but_probe(str(value)) for key, value in protected["change"].items()}
        v2["change"] = {"json": fields} if protected.get("body") == "json" else {"form": fields}
    return v2


def _literal_braces_but_probe(value: str) -> str:
    """v1 replaced only {probe} in a change (other braces were literal); v2 reads {{ and }} as literal braces."""
    return value.replace("{", "{{").replace("}", "}}").replace("{{probe}}", "{probe}")


def _onboarding(first_use: dict[str, Any], factory_default: Any) -> dict[str, Any]:
    claim = first_use["claim"]
    if claim == "forced_change":
        return {"model": "preset_default", "default": factory_default}
    if claim == "unique_per_unit":
        units = {"units": first_use["units"]} if first_use.get("units") else {}
        return {"model": "unique_per_unit", "label": factory_default, **units}
    measure = {key: first_use[key] for key in ("evidence", "documents") if first_use.get(key)}
    return {"model": "equivalent_measure", "default": factory_default, **measure}


def _password_change(change: dict[str, Any]) -> dict[str, Any]:
    fields = {key: _renamed(str(value)) for key, value in change["fields"].items()}
    body = {"json": fields} if change.get("body") == "json" else {"form": fields}
    return {"over": "http", "request": {"method": "POST", "path": change["path"], **body}}


def _renamed(template: str) -> str:
    """v1's {current} and {new} as v2's {current_password} and {new_password}; everything else as written."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            parts.append("{" + V1_PASSWORD_PLACEHOLDERS.get(name, name) + "}")
    return "".join(parts)
