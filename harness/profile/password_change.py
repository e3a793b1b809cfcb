"""How the harness changes the unit's password: a web request, or over SSH or telnet (passwd or a command)."""

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from harness.profile.declared import Declared
from harness.profile.requests import RequestTemplate, check_placeholders, template_fields

HTTP_PLACEHOLDERS = {"username", "current_password", "new_password", "token", "csrf"}
SHELL_PLACEHOLDERS = {"username", "current_password", "new_password"}


class HttpPasswordChange(Declared):
    """The password changed by a request to a web admin."""

    over: Literal["http"] = "http"
    port: int | None = Field(None, ge=1, le=65535, description="which http interface (default: the first)")
    request: RequestTemplate

    @model_validator(mode="after")
    def _sets_the_new_password(self) -> "HttpPasswordChange":
        if self.request.path is None:
            raise ValueError("the password change request needs its `path`")
        check_placeholders(self.request, HTTP_PLACEHOLDERS, "the password change")
        if "new_password" not in self.request.placeholders():
            raise ValueError("the password change request carries {new_password}")
        return self


class ShellPasswordChange(Declared):
    """The password changed in a login shell: the interactive `passwd` dialogue, or one command."""

    over: Literal["ssh", "telnet"]
    port: int | None = Field(None, ge=1, le=65535, description="which ssh/telnet interface (default: the first)")
    dialogue: Literal["passwd"] | None = Field(None, description="`passwd`: run it and answer its prompts")
    command: str | None = Field(None, description="a command that sets the password; placeholders are shell-quoted")
    success: str | None = Field(None, description="regex the command's output shows on success")
    command_timeout_s: Annotated[float, Field(gt=0, le=120)] = 20.0

    @model_validator(mode="after")
    def _dialogue_or_command(self) -> "ShellPasswordChange":
        if (self.dialogue is None) == (self.command is None):
            raise ValueError("a password change over a shell is `dialogue: passwd` or a `command` (one of them)")
        if self.command is not None:
            fields = template_fields(self.command)
            if fields is None or not fields <= SHELL_PLACEHOLDERS or "new_password" not in fields:
                raise ValueError("the command carries {new_password} and may use {current_password}, {username} "
                                 "(write {{ and }} for literal braces)")
        if self.success is not None:
            try:
                re.compile(self.success)
            except re.error as error:
                raise ValueError(f"`success` is not a regular expression: {error}") from error
        return self


def _over(value: Any) -> str:
    over = value.get("over", "http") if isinstance(value, dict) else getattr(value, "over", "http")
    return "http" if over == "http" else "shell"


PasswordChange = Annotated[
    Annotated[HttpPasswordChange, Tag("http")] | Annotated[ShellPasswordChange, Tag("shell")],
    Discriminator(_over),
]
