"""Ed25519 signatures over a run's sealed manifest, and the key pairs that make them."""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.evidence import SIGNATURE
from harness.integrity import Manifest, Problem

SIGNATURE_SCHEMA = "tekigo/signature/v1"


class KeyFileError(Exception):
    """A key file that cannot be written or used; the message says which and why."""


def _public_key_path(private: Path) -> Path:
    return private.with_name(private.name + ".pub")


def generate_key(private: Path) -> Path:
    """Write a new Ed25519 key to `private` (mode 0600) and its public key beside it; return the latter."""
    if not private.name or private.name in (".", ".."):
        raise KeyFileError(f"the key needs a file name, got {str(private)!r} (e.g. `tekigo keygen lab-key`)")
    public = _public_key_path(private)
    for path in (private, public):
        if path.exists():
            raise KeyFileError(f"{path} exists; refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise KeyFileError(f"cannot write {private}: {error.strerror}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))
    except OSError as error:
        raise KeyFileError(f"cannot write the key pair {private}, {public}: {error.strerror}") from error
    return public


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise KeyFileError(f"cannot read {path}: {error.strerror}") from error
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path} is not an unencrypted PEM private key ({error})") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as error:
        raise KeyFileError(f"cannot read {path}: {error.strerror}") from error
    except ValueError as error:
        raise KeyFileError(f"{path} is not a PEM public key (give the .pub file `tekigo keygen` wrote)") from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the start of the SHA-256 of its raw bytes."""
    return "ed25519:" + hashlib.sha256(_raw(key)).hexdigest()[:16]


def sign_run(run_dir: Path, manifest: Manifest, key: Ed25519PrivateKey) -> Path:
    """Sign the sealed entries of `manifest`; write the signature beside it."""
    path = run_dir / SIGNATURE
    path.write_text(_signature_text(key.public_key(), key.sign(manifest.sealed_bytes), manifest), encoding="utf-8")
    return path


@dataclass(frozen=True)
class SignatureCheck:
    """Who signed (key id), or why the signature does not hold."""

    signer: str | None
    problems: list[Problem]


def check_signature(run_dir: Path, manifest: Manifest, trusted: Ed25519PublicKey | None) -> SignatureCheck:
    """Check the signature of `manifest`; with `trusted`, it must also be that key's."""
    path = run_dir / SIGNATURE
    if not path.exists():
        problems = [Problem("signature", SIGNATURE, "missing (the run is not signed)")] if trusted else []
        return SignatureCheck(None, problems)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(data["public_key"], validate=True))
        signature = base64.b64decode(data["signature"], validate=True)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        return SignatureCheck(None, [Problem("signature", SIGNATURE, f"unreadable ({error})")])
    problems = []
    if text != _signature_text(public, signature, manifest):
        problems.append(Problem("signature", SIGNATURE, "edited, or made for another manifest"))
    if trusted is not None and _raw(trusted) != _raw(public):
        problems.append(Problem("key", SIGNATURE, f"the key does not match: signed with key {key_id(public)}, "
                                                  f"not with the given key {key_id(trusted)}"))
    try:
        public.verify(signature, manifest.sealed_bytes)  # the signer's own key: a wrong --pubkey is not tampering
    except InvalidSignature:
        problems.append(Problem("signature", SIGNATURE, "bad signature: it does not match the sealed manifest"))
    return SignatureCheck(key_id(public), problems)


def _signature_text(public: Ed25519PublicKey, signature: bytes, manifest: Manifest) -> str:
    """The signature file exactly as written: every byte of it is checked."""
    document = {
        "schema": SIGNATURE_SCHEMA,
        "algorithm": "Ed25519",
        "key_id": key_id(public),
        "public_key": base64.b64encode(_raw(public)).decode("ascii"),
        "sealed_sha256": manifest.sealed_sha256,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(document, indent=2) + "\n"


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
