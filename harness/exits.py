"""The exit statuses of every `tekigo` command, in one place: a script reads a run's verdict from them.

`run` and `selftest`: 0 conformant, 1 non-conformant (any FAIL), 2 inconclusive, 3 out of scope by a declared
exemption, 4 usage or input error (nothing was sent, nothing was changed), 70 tekigo itself failed (a bug:
the traceback is in the log the message names), 130 interrupted (Ctrl-C). `report`, `sign` and `verify`: 0
done (intact), 1 the run folder does not match its manifest or signature, 4, 70. `scan`: 0 every port
answered, 2 incomplete, 4, 70.
"""

EXIT_BY_VERDICT = {"PASS": 0, "FAIL": 1, "INCONCLUSIVE": 2, "NOT_APPLICABLE": 3}  # 3: declared exempt
EXIT_ALTERED = 1  # report, sign, verify: the run folder does not match its manifest or signature
EXIT_INCOMPLETE = 2  # scan: some ports never answered, or a limit stopped the sweep
EXIT_USAGE = 4
EXIT_CRASH = 70  # sysexits' EX_SOFTWARE: not a verdict, not the user's mistake
EXIT_RUN_FOLDER_UNWRITABLE = 74  # pytest session only (sysexits' EX_IOERR); `tekigo run` reports it as 2
EXIT_INTERRUPTED = 130  # Ctrl-C: the record was written with the unfinished checks INCONCLUSIVE


class UsageError(Exception):
    """Something the user must fix before anything is sent or changed; exit status 4."""


def exit_help(*statuses: str, after: str = "") -> str:
    """A command's help epilog: its own statuses, then the two every command shares (and `after`)."""
    shared = [f"{EXIT_USAGE} usage or input error (nothing sent, nothing changed)",
              f"{EXIT_CRASH} tekigo itself failed (the message names the log with the traceback)"]
    return f"Exit status: {', '.join([*statuses, *shared])}." + (f" {after}" if after else "")
