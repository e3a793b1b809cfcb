"""What every part of a profile shares: strict immutable models, secrets, paths relative to the profile."""

import os
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, SecretStr, ValidationInfo


class Declared(BaseModel):
    """Every part of a profile: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EnvSecret(Declared):
    """A secret read from an environment variable."""

    env: str


class FileSecret(Declared):
    """A secret read from a file (first line), relative to the profile's folder."""

    file: str


def _resolve_secret(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, dict) and set(value) == {"env"}:
        name = str(value["env"])
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set")
        if not os.environ[name]:
            raise ValueError(f"environment variable {name} is empty")
        return os.environ[name]
    if isinstance(value, dict) and set(value) == {"file"}:
        base = Path((info.context or {}).get("base", "."))
        path = base / str(value["file"])
        try:
            first = path.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as error:
            raise ValueError(f"cannot read a secret from {path}: {error}") from error
        if not first:
            raise ValueError(f"the first line of {path} (the secret) is empty")
        return first
    if isinstance(value, dict):
        raise ValueError("a secret is a string, {env: NAME} or {file: PATH}")
    return value


def _usable_secret(value: SecretStr) -> SecretStr:
    """A secret a unit can take: not empty, no control characters (a stray tab or CR from a copied file)."""
    secret = value.get_secret_value()
    if not secret:
        raise ValueError("is empty")
    control = next((char for char in secret if unicodedata.category(char) == "Cc"), None)
    if control is not None:
        raise ValueError(f"contains the control character U+{ord(control):04X}: no login prompt or form takes it")
    return value


def _relative_to_profile(value: Path, info: ValidationInfo) -> Path:
    base = Path((info.context or {}).get("base", "."))
    return value if value.is_absolute() else (base / value).resolve()


ProfilePath = Annotated[Path, AfterValidator(_relative_to_profile)]

Secret = Annotated[
    SecretStr,
    BeforeValidator(_resolve_secret, json_schema_input_type=str | EnvSecret | FileSecret),
    AfterValidator(_usable_secret),
]


class Credential(Declared):
    """An ID/password pair. `published` marks a default printed in the public manual (not redacted)."""

    username: str
    password: Secret
    published: bool = False
