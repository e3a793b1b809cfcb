"""Reading a profile file: YAML with line numbers, then validation into a DeviceProfile."""

import os
from pathlib import Path
from typing import Any

from harness.evidence import sha256_of
from harness.profile import DeviceProfile
from harness.yaml_model import FileKind, InvalidFile, Location, load_model


class ProfileError(InvalidFile):
    """A profile that cannot be used; carries every problem found, not just the first."""


PROFILE = FileKind(
    noun="profile",
    schema_hint="`tekigo profile schema` lists the fields",
    secret_keys=("password", "new_password", "community", "read_community", "write_community"),
    error=ProfileError,
)


def load_profile(path: Path, *, check_files: bool = False) -> DeviceProfile:
    """Parse and validate `path`; raise ProfileError naming file, line and field of each problem.

    With `check_files`, the files the run will read (update images, reviewed documents) must exist
    now, and each document must still have its declared SHA-256.
    """
    return load_model(path, DeviceProfile, PROFILE, check=missing_files if check_files else None)


def missing_files(profile: DeviceProfile) -> list[tuple[Location, str]]:
    """The update images and reviewed documents a run would fail to read, or whose content changed."""
    update = profile.firmware.update
    images: list[tuple[Location, Path | None]] = [
        (("firmware", "update", "image"), update.image),
        (("firmware", "update", "older_image"), update.older_image),
    ]
    found = [(location, problem) for location, image in images if image is not None
             for problem in [_unreadable(image, "update image")] if problem]
    for index, document in enumerate(profile.first_use.documents):
        location = ("first_use", "documents", index, "path")
        problem = _unreadable(document.path, "document")
        if problem:
            found.append((location, problem))
        elif (digest := sha256_of(document.path)) != document.sha256.lower():
            found.append((("first_use", "documents", index, "sha256"),
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
    """The JSON Schema of profile format v1."""
    schema = DeviceProfile.model_json_schema(mode="validation")
    schema["title"] = "tekigo device profile v1"
    return schema
