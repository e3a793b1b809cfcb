"""What a profile declares in place of a bench test: an ISO/IEC 15408 equivalence, an exemption, an
item-2 equivalent measure. Recorded as declared, never as tested."""

from typing import Any

from harness.profile import DeviceProfile, EquivalentMeasure

EXEMPTION_BASES = {
    "user_installable_software": "item 1-4 functions changeable by user-installed software (Art. 34-10 exemption)",
}


def untested_reason(profile: DeviceProfile, requirement: str) -> str | None:
    """Why the checks of `requirement` do not run on this unit, or None when they do."""
    if profile.exemption is not None:
        return (f"out of scope, declared, not tested: {EXEMPTION_BASES[profile.exemption.basis]}: "
                f"{profile.exemption.reason}")
    equivalence = profile.equivalence
    if equivalence is not None and requirement in equivalence.items:
        return f"met by equivalence, declared, not tested: {_basis(profile)} certificate {equivalence.certificate}"
    return None


def equivalence_entry(profile: DeviceProfile, requirement: str) -> dict[str, Any] | None:
    """The record's `equivalence` of a requirement: what is declared to meet it, or None."""
    equivalence = profile.equivalence
    if equivalence is not None and requirement in equivalence.items:
        return {"kind": "certificate", "basis": _basis(profile), "certificate": equivalence.certificate,
                "documents": [], "declared": True}
    measure = profile.onboarding
    if requirement == "TER-34-10-2" and isinstance(measure, EquivalentMeasure):
        return {"kind": "equivalent_measure", "basis": measure.evidence or "equivalent measure (document review)",
                "certificate": None, "declared": True,
                "documents": [{"path": str(document.path), "sha256": document.sha256.lower(),
                               "description": document.description} for document in measure.documents]}
    return None


def exemption_entry(profile: DeviceProfile) -> dict[str, Any] | None:
    """The record's `exemption`: the declared reason the unit is out of scope, or None."""
    if profile.exemption is None:
        return None
    return {"basis": profile.exemption.basis, "basis_text": EXEMPTION_BASES[profile.exemption.basis],
            "reason": profile.exemption.reason, "declared": True}


def _basis(profile: DeviceProfile) -> str:
    equivalence = profile.equivalence
    assert equivalence is not None
    level = f" {equivalence.assurance_level}" if equivalence.assurance_level else ""
    return f"{equivalence.basis}{level}"
