"""Vendor default credentials, selected by the unit's fingerprint (as nmap's http-default-accounts does)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, get_args

import yaml

from harness.credentials.banners import Banner, BannerKind
from harness.credentials.dictionary import Pair
from harness.yaml_model import SAFE_LOADER

KINDS: tuple[str, ...] = get_args(BannerKind)


@dataclass(frozen=True)
class VendorDefaults:
    """One vendor's default pairs and the fingerprints that make them worth trying."""

    vendor: str
    match: dict[str, tuple[re.Pattern[str], ...]]
    pairs: tuple[Pair, ...]
    source: str

    def matched_by(self, banners: Sequence[Banner]) -> Banner | None:
        """The first banner one of this vendor's fingerprints matches, if any."""
        for banner in banners:
            if any(pattern.search(banner.text) for pattern in self.match.get(banner.kind, ())):
                return banner
        return None


@dataclass(frozen=True)
class VendorMatch:
    """A vendor whose fingerprint the unit showed, and what showed it."""

    vendor: VendorDefaults
    banner: Banner

    def describe(self) -> str:
        return (f"{self.vendor.vendor}: {self.banner.where} {self.banner.kind} {self.banner.text!r} "
                f"({len(self.vendor.pairs)} pairs)")


def load_vendor_defaults(name: str = "vendor-defaults") -> list[VendorDefaults]:
    """dictionaries/NAME.yaml, validated."""
    text = resources.files(__package__).joinpath("dictionaries", f"{name}.yaml").read_text(encoding="utf-8")
    return parse_vendor_defaults(text, f"{name}.yaml")


def parse_vendor_defaults(text: str, where: str) -> list[VendorDefaults]:
    """Vendor default groups from YAML text; a bad entry names its vendor and what is wrong."""
    document = yaml.load(text, Loader=SAFE_LOADER)
    if not isinstance(document, dict) or not isinstance(document.get("vendors"), list):
        raise ValueError(f"{where}: expected a top-level 'vendors' list")
    return [_vendor(entry, f"{where} entry {index}") for index, entry in enumerate(document["vendors"], 1)]


def _vendor(entry: Any, where: str) -> VendorDefaults:
    if not isinstance(entry, dict) or not isinstance(entry.get("vendor"), str):
        raise ValueError(f"{where}: expected a mapping with a 'vendor' name")
    vendor = entry["vendor"]
    where = f"{where} ({vendor})"
    source, match, pairs = entry.get("source"), entry.get("match"), entry.get("pairs")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"{where}: every vendor must name the source of its pairs")
    if not isinstance(match, dict) or not match:
        raise ValueError(f"{where}: 'match' must map banner kinds to regular expressions")
    unknown = set(match) - set(KINDS)
    if unknown:
        raise ValueError(f"{where}: unknown banner kind {sorted(unknown)}; known: {', '.join(KINDS)}")
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for kind, regexes in match.items():
        if not isinstance(regexes, list) or not all(isinstance(r, str) and r for r in regexes):
            raise ValueError(f"{where}: match.{kind} must be a list of regular expressions")
        try:
            patterns[kind] = tuple(re.compile(regex, re.IGNORECASE) for regex in regexes)
        except re.error as error:
            raise ValueError(f"{where}: match.{kind}: {error}") from error
    if not isinstance(pairs, list) or not pairs or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        raise ValueError(f"{where}: 'pairs' must be a non-empty list of [username, password]")
    group = f"vendor:{vendor}"
    return VendorDefaults(vendor, patterns, tuple(Pair(u, p, group) for u, p in pairs), source)


def matching_vendors(banners: Sequence[Banner], vendors: Sequence[VendorDefaults]) -> list[VendorMatch]:
    """The vendors whose fingerprint one of `banners` matches, in data-file order."""
    matches = []
    for vendor in vendors:
        banner = vendor.matched_by(banners)
        if banner is not None:
            matches.append(VendorMatch(vendor, banner))
    return matches
