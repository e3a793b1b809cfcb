"""Whether the unit took an update image, read from its answer by the update method's own transport."""

from harness.transports.http import Answer
from harness.transports.http_answers import classify_upload
from harness.transports.outcome import Classified
from harness.update.ssh_command import CommandAnswer, classify_install


def classify_update(answer: Answer | CommandAnswer) -> Classified:
    """An install command's exit status, or an upload's (http_upload, swupdate) HTTP answer."""
    return classify_install(answer) if isinstance(answer, CommandAnswer) else classify_upload(answer)
