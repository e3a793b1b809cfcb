"""`tekigo profile validate` catches what a run would only trip over later, each at its file, line and field."""

import subprocess
import sys
from pathlib import Path

import pytest

from harness.evidence import sha256_of
from harness.profile_loader import ProfileError, load_profile
from harness.yaml_model import MAX_PROBLEMS

IMAGE = "    image: /var/lib/tekigo-lab/images/r1-1.1.0.tkfw\n"


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "unit.yaml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def problems(path: Path, *, check_files: bool = False) -> list[str]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path, check_files=check_files)
    return [str(problem) for problem in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def with_image(tmp_path: Path, text: str) -> str:
    """The profile with its update image in tmp_path (so that only the change under test is wrong)."""
    (tmp_path / "r1-1.1.0.tkfw").write_bytes(b"image")
    return text.replace(IMAGE, "    image: r1-1.1.0.tkfw\n")


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", "profile", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_a_missing_update_image_fails_validate_at_its_line(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace(IMAGE, "    image: images/r1-9.9.9.tkfw\n")
    path = write(tmp_path, text)
    load_profile(path)  # loading for a run on a lab not yet up still works: the lab builds its images
    done = validate(path)
    assert done.returncode == 4, done.stderr
    expected = (f"{path}:{line_of(text, 'r1-9.9.9')}: firmware.update.image: the update image "
                f"{tmp_path / 'images' / 'r1-9.9.9.tkfw'} does not exist")
    assert expected in done.stderr


def test_validate_passes_when_the_image_exists(tmp_path: Path, reference_profile_text: str) -> None:
    done = validate(write(tmp_path, with_image(tmp_path, reference_profile_text)))
    assert done.returncode == 0, done.stderr
    assert "valid profile for tekigo reference router" in done.stdout


def test_a_missing_or_changed_document_fails_validate(tmp_path: Path, reference_profile_text: str) -> None:
    reviewed = tmp_path / "measure.pdf"
    reviewed.write_bytes(b"the reviewed measure")
    declared = sha256_of(reviewed)
    measure = ("first_use:\n  claim: equivalent_measure\n  documents:\n"
               f"    - {{path: gone.pdf, sha256: {declared}, description: lost}}\n"
               f"    - {{path: measure.pdf, sha256: {declared}, description: the measure}}\n")
    text = with_image(tmp_path, reference_profile_text).replace("first_use: {claim: forced_change}\n", measure)
    path = write(tmp_path, text)
    assert problems(path, check_files=True) == [
        f"{path}:{line_of(text, 'gone.pdf')}: first_use.documents[0].path: the document {tmp_path / 'gone.pdf'} "
        "does not exist"]
    reviewed.write_bytes(b"edited after the review")
    found = problems(path, check_files=True)
    assert f"{path}:{line_of(text, 'measure.pdf')}: first_use.documents[1].sha256: {reviewed} has SHA-256 " \
           f"{sha256_of(reviewed)}, not the declared one" in "\n".join(found)


def test_an_empty_secret_from_the_environment_is_refused(tmp_path: Path, reference_profile_text: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", "new_password: {env: TKG_TEST_EMPTY}")
    path = write(tmp_path, text)
    monkeypatch.setenv("TKG_TEST_EMPTY", "")
    assert f"{path}:{line_of(text, 'TKG_TEST_EMPTY')}: new_password: environment variable TKG_TEST_EMPTY is " \
           "empty" in problems(path)


def test_an_empty_secret_from_a_file_is_refused(tmp_path: Path, reference_profile_text: str) -> None:
    (tmp_path / "new-password").write_text("\nsecond line\n", encoding="utf-8")
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", "new_password: {file: new-password}")
    found = "\n".join(problems(write(tmp_path, text)))
    assert "new_password: the first line of" in found and "(the secret) is empty" in found


@pytest.mark.parametrize(("written", "message"), [
    ('""', "is empty"),
    ('"Tkg-r1\\tLab"', "contains the control character U+0009"),
    ('"Tkg-r1-Lab\\r"', "contains the control character U+000D"),
    ('"Tkg\\x7fr1"', "contains the control character U+007F"),
])
def test_an_empty_password_or_one_with_control_characters_is_refused(
        tmp_path: Path, reference_profile_text: str, written: str, message: str) -> None:
    text = reference_profile_text.replace("new_password: Tkg-r1-Lab-7f3a", f"new_password: {written}")
    path = write(tmp_path, text)
    found = problems(path)
    assert f"{path}:{line_of(text, 'new_password:')}: new_password: {message}" in "\n".join(found)
    assert not any("Tkg" in problem for problem in found)  # the secret is never echoed


def test_a_duplicate_key_is_refused_at_the_second(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("  serial: R1-000001\n", "  serial: R1-000001\n  serial: R1-000002\n")
    path = write(tmp_path, text)
    first = line_of(text, "R1-000001")
    assert problems(path) == [f"{path}:{first + 1}: equipment.serial: duplicate key (first at line {first}; "
                              "the second would silently replace the first)"]


def test_yaml_aliases_are_refused_before_they_are_expanded(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("  networks: [198.18.0.0/24]", "  networks: &nets [198.18.0.0/24]")
    text += "exposed:\n  - {port: 9, reason: *nets}\n"
    path = write(tmp_path, text)
    assert problems(path) == [f"{path}:{line_of(text, '*nets')}: exposed[0].reason: YAML alias *nets is not accepted: "
                              "write the value out"]


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    """Nine levels of nine aliases each: 9**9 (387 million) strings if it were expanded."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    found = problems(write(tmp_path, "\n".join(levels) + "\n"))
    assert len(found) == MAX_PROBLEMS + 1
    assert "YAML alias *a0 is not accepted" in found[0]
    assert found[-1].endswith(f"... and {81 - MAX_PROBLEMS} more problems from here on (fix the first ones first)")


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("  manufacturer: tekigo reference lab", "  manufacturer: tekigo \udcff")
    path = write(tmp_path, text.encode("utf-8", errors="surrogateescape"))
    assert problems(path) == [f"{path}:{line_of(text, 'manufacturer')}: (top level): not UTF-8 text: byte 0xff "
                              "at column 24 (save the profile as UTF-8)"]
    done = validate(path)
    assert done.returncode == 4 and "Traceback" not in done.stderr


@pytest.mark.parametrize(("old", "new", "needle", "field", "message"), [
    ("address: 198.18.0.11", "address: 127.0.0.2", "127.0.0.2", "unit.address", "is outside lab.networks"),
    ("new_password: Tkg-r1-Lab-7f3a", "new_password: admin", "new_password", "new_password", "must differ"),
])
def test_cross_field_errors_point_at_the_field(tmp_path: Path, reference_profile_text: str, old: str, new: str,
                                               needle: str, field: str, message: str) -> None:
    text = reference_profile_text.replace(old, new)
    path = write(tmp_path, text)
    found = [problem for problem in problems(path) if message in problem]
    assert found and found[0].startswith(f"{path}:{line_of(text, needle)}: {field}: "), found


def test_more_than_fifty_problems_stop_with_a_count(tmp_path: Path, reference_profile_text: str) -> None:
    extra = "".join(f"  typo_{n}: x\n" for n in range(MAX_PROBLEMS + 12))
    text = reference_profile_text.replace("  kind: router\n", "  kind: router\n" + extra)
    path = write(tmp_path, text)
    found = problems(path)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == (f"{path}:{line_of(text, f'typo_{MAX_PROBLEMS}:')}: equipment.typo_{MAX_PROBLEMS}: "
                         "... and 12 more problems from here on (fix the first ones first)")


def test_a_todo_left_from_a_draft_is_named_at_its_line(tmp_path: Path, reference_profile_text: str) -> None:
    text = reference_profile_text.replace("  serial: R1-000001", "  serial: TODO").replace(
        "    login:\n      method: form\n", "    login:\n      method: TODO\n")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:{line_of(text, 'serial: TODO')}: equipment.serial: still TODO: the draft left this to be declared",
        f"{path}:{line_of(text, 'method: TODO')}: interfaces[0].login.method: still TODO: the draft left this to "
        "be declared"]
