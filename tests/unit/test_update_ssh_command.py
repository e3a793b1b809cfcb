"""The ssh_command update method: its profile declaration and the install command it runs."""

import subprocess
from pathlib import Path

import pytest

from harness.profile_loader import ProfileError, load_profile
from harness.transports.outcome import Classification
from harness.update.ssh_command import CommandAnswer, classify_install, image_path_on_unit, install_command

R1_UPDATE = "  update:\n    path: /update\n"
SSH_UPDATE = ("  update:\n    method: ssh_command\n    path: /run/tmp\n"
              "    command: \"/usr/local/sbin/fw_update {image}\"\n")


def profile_with(tmp_path: Path, text: str, update: str) -> Path:
    assert R1_UPDATE in text
    path = tmp_path / "unit.yaml"
    path.write_text(text.replace(R1_UPDATE, update), encoding="utf-8")
    return path


def problems(path: Path) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return "\n".join(str(problem) for problem in caught.value.problems)


def test_an_ssh_command_update_runs_over_the_declared_ssh_interface(tmp_path: Path, reference_profile_text: str,
                                                                    ) -> None:
    update = load_profile(profile_with(tmp_path, reference_profile_text, SSH_UPDATE)).firmware.update
    assert (update.method, update.interface, update.path) == ("ssh_command", "ssh", "/run/tmp")
    assert update.command == "/usr/local/sbin/fw_update {image}" and update.command_timeout_s == 120.0


@pytest.mark.parametrize(("command", "why"), [
    ("fw_update /tmp/image", "no placeholder"),
    ("fw_update {image} {version}", "an unknown placeholder"),
    ("fw_update {image!r}", "a conversion"),
    ("fw_update {image", "an unclosed brace"),
])
def test_a_command_without_exactly_the_image_placeholder_names_file_line_and_field(
        tmp_path: Path, reference_profile_text: str, command: str, why: str) -> None:
    path = profile_with(tmp_path, reference_profile_text,
                        f"  update:\n    method: ssh_command\n    path: /run/tmp\n    command: '{command}'\n")
    line = path.read_text(encoding="utf-8").splitlines().index("  update:") + 1
    found = problems(path)
    assert f"{path}:{line}: firmware.update: " in found and "the placeholder {image} and no other" in found, why


def test_an_ssh_command_update_needs_an_absolute_folder(tmp_path: Path, reference_profile_text: str) -> None:
    found = problems(profile_with(tmp_path, reference_profile_text,
                                  SSH_UPDATE.replace("path: /run/tmp", "path: run/tmp")))
    assert "firmware.update: " in found and "absolute folder on the unit" in found


def test_an_http_upload_takes_no_command(tmp_path: Path, reference_profile_text: str) -> None:
    found = problems(profile_with(tmp_path, reference_profile_text, R1_UPDATE + "    command: fw_update {image}\n"))
    assert "a http_upload update runs over http and needs `path` (no `command`)" in found


def test_the_update_needs_a_declared_ssh_interface_on_its_port(tmp_path: Path, reference_profile_text: str) -> None:
    found = problems(profile_with(tmp_path, reference_profile_text, SSH_UPDATE + "    port: 2222\n"))
    assert "firmware.update.port: the update runs over ssh port 2222: no ssh interface declares it" in found
    text = reference_profile_text.replace("  - kind: ssh\n    port: 22\n", "")
    assert "the update runs over ssh: declare an ssh interface" in problems(profile_with(tmp_path, text, SSH_UPDATE))


def test_the_image_path_is_quoted_for_the_units_shell() -> None:
    assert install_command("fw_update {image}", "/tmp/a b;reboot") == "fw_update '/tmp/a b;reboot'"
    literal_braces = install_command("fw_update {image} && echo {{done}}", "/tmp/u1.tkfw")
    assert literal_braces == "fw_update /tmp/u1.tkfw && echo {done}"


def test_the_image_goes_into_the_declared_folder_under_its_file_name_only() -> None:
    assert image_path_on_unit("/run/tmp", "flipped-u1.tkfw") == "/run/tmp/flipped-u1.tkfw"
    assert image_path_on_unit("/tmp/", "../../etc/passwd") == "/tmp/passwd"
    with pytest.raises(ValueError, match="not a file name"):
        image_path_on_unit("/tmp", "images/..")


def test_a_non_zero_exit_status_is_a_refusal() -> None:
    assert CommandAnswer(0, "installed 1.1.0").accepted
    assert not CommandAnswer(1, "refused: image is not signed").accepted


@pytest.mark.parametrize(("command", "expected"), [
    ("true", Classification.ACCEPTED),
    ("echo 'image is not signed' >&2; exit 1", Classification.REFUSED),
    ("/nonexistent/fw_update /tmp/fw.swu", Classification.UNCLASSIFIED),  # 127: not found
    ("/etc/hostname /tmp/fw.swu", Classification.UNCLASSIFIED),  # 126: not executable
])
def test_the_install_commands_exit_status_from_a_real_shell_is_classified(command: str,
                                                                          expected: Classification) -> None:
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=10)
    answer = classify_install(CommandAnswer(done.returncode, done.stdout + done.stderr))
    assert answer.classification is expected and answer.raw.startswith(f"exit status {done.returncode}: ")
