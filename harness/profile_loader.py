"""Reading a profile file: YAML with line numbers, then validation into a DeviceProfile."""

from pathlib import Path
from typing import Any

from harness.profile import DeviceProfile
from harness.yaml_model import FileKind, InvalidFile, load_model


class ProfileError(InvalidFile):
    """A profile that cannot be used; carries every problem found, not just the first."""


PROFILE = FileKind(
    noun="profile",
    schema_hint="`tekigo profile schema` lists the fields",
    secret_keys=("password", "new_password", "community", "read_community", "write_community"),
    error=ProfileError,
)


def load_profile(path: Path) -> DeviceProfile:
    """Parse and validate `path`; raise ProfileError naming file, line and field of each problem."""
    return load_model(path, DeviceProfile, PROFILE)


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of profile format v1."""
    schema = DeviceProfile.model_json_schema(mode="validation")
    schema["title"] = "tekigo device profile v1"
    return schema
