"""The ``hoplon`` command's entry point, light enough to import at once.

The command line takes about a second to import (Typer, Rich, the commands); Ctrl-C in
that second stops it with the message Ctrl-C gives during a command, not a traceback.
"""

from __future__ import annotations

import sys

#: Exit code of an interrupted command (128 + SIGINT), and what it says.
INTERRUPTED = 130
INTERRUPTED_TEXT = (
    "interrupted: what was stored before is intact and nothing half-written is kept; "
    "a sweep or a study continues where it stopped with --resume"
)


def main() -> None:
    """Import the command line, then run it (:func:`hoplon.cli.main.main`, which handles
    Ctrl-C itself once the command runs; before that, while the commands are imported and
    registered, it is handled here)."""
    try:
        from hoplon.cli.main import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED_TEXT + "\n")
        sys.exit(INTERRUPTED)
