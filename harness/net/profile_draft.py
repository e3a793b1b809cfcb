"""A profile skeleton for a discovered unit: address, lab network and the interfaces it announced."""

import ipaddress

import yaml

from harness.net.discovery import Unit

# DNS-SD service types (RFC 6335 names) and the profile interface kind each one is.
INTERFACE_KINDS = {"_http._tcp": "http", "_ssh._tcp": "ssh", "_telnet._tcp": "telnet", "_mqtt._tcp": "mqtt"}
TODO = "TODO"

HEADER = """\
# DRAFT profile (format 2) written by `tekigo discover --write-profile` from what {address} announced on
# {network}. Every TODO is the vendor's declaration (ICS + IXIT) and must be filled in before a run;
# `tekigo profile validate` lists each one left, and what else is missing. onboarding.model is one of
# preset_default, unique_per_unit, first_run_setup or equivalent_measure. Interfaces seen: {seen}.
"""


def draft_name(unit: Unit) -> str:
    """A file name for the draft: the unit's mDNS host name, else its address."""
    return (unit.hostname.removesuffix(".local") or unit.address.replace(".", "-")) + ".yaml"


def draft_profile(unit: Unit, network: ipaddress.IPv4Network) -> str:
    """The skeleton as YAML text."""
    interfaces: list[dict[str, object]] = []
    for service in unit.services:
        kind = INTERFACE_KINDS.get(service.service_type)
        entry: dict[str, object] = {"kind": kind, "port": service.port}
        if kind == "http":
            entry |= {"login": {"method": TODO}, "protected": [{"path": TODO, "marker": TODO}]}
        if kind == "mqtt":
            entry["config_topics"] = [TODO]
        if kind and entry not in interfaces:
            interfaces.append(entry)
    model = next((s.properties.get("model", "") for s in unit.services if s.properties.get("model")), "")
    profile = {
        "tekigo_profile": 2,
        "equipment": {"name": TODO, "model": model or TODO, "manufacturer": TODO, "serial": TODO,
                      "firmware_version": TODO, "kind": "other"},
        "unit": {"address": unit.address},
        "lab": {"networks": [str(network)]},
        "interfaces": interfaces,
        "onboarding": {"model": TODO},
        "new_password": {"env": "UNIT_NEW_PASSWORD"},
        "password_change": password_change_draft([str(entry["kind"]) for entry in interfaces]),
        "firmware": {"version": TODO, "update": TODO},
        "power": {"driver": "manual"},
    }
    seen = ", ".join(f"{s.service_type}:{s.port}" for s in unit.services) or "none (no DNS-SD services)"
    header = HEADER.format(address=unit.address, network=network, seen=seen)
    return header + yaml.safe_dump(profile, sort_keys=False, allow_unicode=True)


def password_change_draft(kinds: list[str]) -> dict[str, object]:
    """How the password is likely changed, from the interfaces seen: the web admin, else SSH's passwd."""
    if "http" in kinds:
        return {"over": "http", "request": {"path": TODO, "json": {
            "current_password": "{current_password}", "new_password": "{new_password}"}}}
    if "ssh" in kinds:
        return {"over": "ssh", "dialogue": "passwd"}
    if "telnet" in kinds:
        return {"over": "telnet", "command": TODO}
    return {"over": TODO}
