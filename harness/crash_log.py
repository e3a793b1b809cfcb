"""Where a crash of tekigo itself leaves its traceback: a log file, so that the terminal shows one line."""

import sys
import tempfile
import traceback
from pathlib import Path


def write_crash_log() -> Path:
    """The exception being handled, with its traceback and the command line, written to a new log file."""
    descriptor, name = tempfile.mkstemp(prefix="tekigo-crash-", suffix=".log")
    with open(descriptor, "w", encoding="utf-8") as log:
        log.write(f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    return Path(name)
