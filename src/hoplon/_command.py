"""The ``hoplon`` command's entry point, light enough to import at once.

The command line takes about a second to import (Typer, Rich, the commands); Ctrl-C in
that second stops it with the message Ctrl-C gives during a command, not a traceback.
"""

from __future__ import annotations

import sys

from hoplon._interrupt import INTERRUPTED, INTERRUPTED_TEXT


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
