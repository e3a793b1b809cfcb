"""Reading a profile file: YAML with line numbers, then validation into a DeviceProfile (format 2).

A format-1 document is validated as written (its errors name its own lines), then upgraded to format 2.
"""

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.evidence import sha256_of
from harness.profile import DeviceProfile, EquivalentMeasure
from harness.profile.upgrade import upgraded
from harness.profile.v1 import DeviceProfileV1
from harness.yaml_model import (
    Document,
    FileKind,
    FileProblem,
    InvalidFile,
    Location,
    ModelCheck,
    read_document,
    validate_document,
)

FORMATS = (1, 2)


class ProfileError(InvalidFile):
    """A profile that cannot be used; carries every problem found, not just the first."""


PROFILE = FileKind(
    noun="profile",
    schema_hint="`tekigo profile schema` lists the fields",
    secret_keys=("password", "new_password", "community", "read_community", "write_community"),
    error=ProfileError,
    placeholder="TODO",  # what `tekigo discover --write-profile` leaves for the vendor's declaration
)


def load_profile(path: Path, *, check_files: bool = False) -> DeviceProfile:
    """Parse and validate `path`; raise ProfileError naming file, line and field of each problem.

    With `check_files`, the files the run will read (update images, reviewed documents) must exist
    now, and each document must still have its declared SHA-256.
    """
    document = read_document(path, PROFILE)
    version = _format(document)
    if version == 1:
        validate_document(document, DeviceProfileV1, PROFILE)
        document = replace(document, data=upgraded(document.data))
    check: ModelCheck[DeviceProfile] | None = None
    if check_files:
        def check(profile: DeviceProfile) -> list[tuple[Location, str]]:
            return missing_files(profile, "first_use" if version == 1 else "onboarding")
    return validate_document(document, DeviceProfile, PROFILE, check)


def upgraded_profile(path: Path) -> dict[str, Any]:
    """The format-2 document of the profile at `path` (checked first; a format-2 one as it is)."""
    document = read_document(path, PROFILE)
    if _format(document) == 2:
        validate_document(document, DeviceProfile, PROFILE)
        return document.data
    validate_document(document, DeviceProfileV1, PROFILE)
    v2 = upgraded(document.data)
    validate_document(replace(document, data=v2), DeviceProfile, PROFILE)
    return v2


def _format(document: Document) -> int:
    version = document.data.get("tekigo_profile")
    if version not in FORMATS or isinstance(version, bool):
        line = document.lines.get(("tekigo_profile",), 1)
        got = "missing" if version is None else f"got {version!r}"
        raise ProfileError([FileProblem(document.path, line, "tekigo_profile",
                                        f"the profile format: 1 or 2 ({got})")])
    return int(version)


def missing_files(profile: DeviceProfile, measure_at: str = "onboarding") -> list[tuple[Location, str]]:
    """The update images and reviewed documents a run would fail to read, or whose content changed
    (`measure_at`: where the file declares the documents, `first_use` in format 1)."""
    found: list[tuple[Location, str]] = []
    if profile.firmware is not None:
        update = profile.firmware.update
        images: list[tuple[Location, Path | None]] = [
            (("firmware", "update", "image"), update.image),
            (("firmware", "update", "older_image"), update.older_image),
        ]
        found += [(location, problem) for location, image in images if image is not None
                  for problem in [_unreadable(image, "update image")] if problem]
    documents = profile.onboarding.documents if isinstance(profile.onboarding, EquivalentMeasure) else []
    for index, document in enumerate(documents):
        location = (measure_at, "documents", index, "path")
        problem = _unreadable(document.path, "document")
        if problem:
            found.append((location, problem))
        elif (digest := sha256_of(document.path)) != document.sha256.lower():
            found.append(((measure_at, "documents", index, "sha256"),
                          f"{document.path} has SHA-256 {digest}, not the declared one: not the document reviewed"))
    return found


def _unreadable(path: Path, what: str) -> str | None:
    if not path.exists():
        return f"the {what} {path} does not exist"
    if not path.is_file():
        return f"the {what} {path} is not a file"
    if not os.access(path, os.R_OK):
        return f"the {what} {path} cannot be read"
    return None


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of profile format 2."""
    schema = DeviceProfile.model_json_schema(mode="validation")
    schema["title"] = "tekigo device profile v2"
    return schema
