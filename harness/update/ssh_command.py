"""Installing an update by SSH command: the image copied to the unit over SFTP, then its install command run.

Many units take `scp image unit:/tmp/` followed by `fw_update /tmp/image`; SFTP makes the same copy
through the subsystem SSH servers offer (OpenSSH's own scp uses it since 9.0). The command's exit
status is the unit's answer: 0 accepted the image, anything else refused it.
"""

import hashlib
import io
import posixpath
import shlex
import time
from dataclasses import dataclass

import paramiko

from harness.evidence import Transcript
from harness.profile import Update
from harness.transports.outcome import Classification, Classified
from harness.transports.ssh import MAX_OUTPUT, SshClient
from harness.verdict import Inconclusive


@dataclass(frozen=True)
class CommandAnswer:
    """What the install command left: its exit status and its output (bounded)."""

    exit_status: int
    output: str

    @property
    def accepted(self) -> bool:
        """The unit took the image (exit status 0), as an upload form's 2xx answer."""
        return self.exit_status == 0

    @property
    def summary(self) -> str:
        """The answer as a report line names it."""
        return f"install command exit status {self.exit_status}"


def classify_install(answer: CommandAnswer) -> Classified:
    """Whether the install command took the image: exit status 0 took it; 126/127 (POSIX shell: not executable,
    not found) mean the declared command did not run, which says nothing of the image; any other status refused it."""
    raw = f"exit status {answer.exit_status}: {answer.output[-200:]!r}"
    if answer.exit_status == 0:
        return Classified(Classification.ACCEPTED, "the install command succeeded", raw)
    if answer.exit_status in (126, 127):
        return Classified(Classification.UNCLASSIFIED, "the declared install command could not be run", raw)
    return Classified(Classification.REFUSED, "the install command failed", raw)


def install_command(template: str, image_path: str) -> str:
    """The declared command with {image} replaced by the image's path, quoted for the unit's shell."""
    return template.format(image=shlex.quote(image_path))


def image_path_on_unit(folder: str, name: str) -> str:
    """Where the image is copied: its file name (any folder part dropped) in the declared folder."""
    base = posixpath.basename(name)
    if base in ("", ".", ".."):
        raise ValueError(f"{name!r} is not a file name")
    return posixpath.join(folder, base)


def install_over_ssh(client: SshClient, username: str, password: str, image: bytes, name: str,
                     update: Update) -> CommandAnswer:
    """Copy `image` to the unit as `name` and run the declared command on it, all within its timeout."""
    if update.path is None or update.command is None:
        raise Inconclusive("the profile declares no ssh_command update (`path` and `command`)")
    deadline = time.monotonic() + update.command_timeout_s
    path = image_path_on_unit(update.path, name)
    with client.logged_in(username, password) as transport:
        sftp = _sftp(transport, deadline)
        try:
            _copy(sftp, client.transcript, image, path, deadline)
            answer = _run(transport, client.transcript, install_command(update.command, path), deadline)
            _remove(sftp, client.transcript, path, deadline)
        finally:
            sftp.close()
    return answer


def _remaining(deadline: float, what: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Inconclusive(f"{what}: the update's command_timeout_s ran out")
    return left


def _sftp(transport: paramiko.Transport, deadline: float) -> paramiko.SFTPClient:
    try:
        sftp = paramiko.SFTPClient.from_transport(transport)
    except paramiko.SSHException as error:
        raise Inconclusive(f"the unit offers no SFTP to copy the image with: {error}") from error
    if sftp is None:
        raise Inconclusive("the unit offers no SFTP to copy the image with")
    sftp.get_channel().settimeout(_remaining(deadline, "opening SFTP"))
    return sftp


def _copy(sftp: paramiko.SFTPClient, transcript: Transcript, image: bytes, path: str, deadline: float) -> None:
    sftp.get_channel().settimeout(_remaining(deadline, "copying the image"))
    transcript.sent(f"sftp put {path} ({len(image)} bytes, sha256 {hashlib.sha256(image).hexdigest()})")
    try:
        sftp.putfo(io.BytesIO(image), path, file_size=len(image), confirm=True)
    except TimeoutError as error:
        raise Inconclusive(f"copying the image to {path} did not finish in time") from error
    except OSError as error:
        transcript.received(f"refused: {error}")
        raise Inconclusive(f"could not copy the image to {path} over SFTP: {error}") from error
    transcript.received("stored")


def _run(transport: paramiko.Transport, transcript: Transcript, command: str, deadline: float) -> CommandAnswer:
    channel = transport.open_session(timeout=_remaining(deadline, "starting the install command"))
    channel.set_combine_stderr(True)
    transcript.sent(f"exec {command}")
    channel.exec_command(command)
    output = b""
    try:
        while True:
            channel.settimeout(_remaining(deadline, f"the install command {command!r}"))
            chunk = channel.recv(4096)
            if not chunk:
                break
            output = (output + chunk)[:MAX_OUTPUT]  # read to the end, keep the first MAX_OUTPUT bytes
        if not channel.status_event.wait(_remaining(deadline, f"the install command {command!r}")):
            raise Inconclusive(f"the install command {command!r} gave no exit status in time")
    except TimeoutError as error:
        raise Inconclusive(f"the install command {command!r} did not finish in time") from error
    text = output.decode("utf-8", "replace")
    transcript.received(text)
    exit_status = channel.recv_exit_status()
    transcript.note(f"install command exit status {exit_status}")
    if exit_status < 0:
        raise Inconclusive(f"the install command {command!r} ended without an exit status (killed by a signal?)")
    return CommandAnswer(exit_status, text)


def _remove(sftp: paramiko.SFTPClient, transcript: Transcript, path: str, deadline: float) -> None:
    """The copy is deleted afterwards: a unit's temporary folder is often small RAM."""
    sftp.get_channel().settimeout(_remaining(deadline, "removing the copied image"))
    transcript.sent(f"sftp remove {path}")
    try:
        sftp.remove(path)
    except FileNotFoundError:
        transcript.received("already gone (the install command took it)")
        return
    except OSError as error:
        transcript.received(f"not removed: {error}")
        return
    transcript.received("removed")
