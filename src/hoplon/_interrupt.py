"""What an interrupted command says, and its exit code: shared by the entry point
(:mod:`hoplon._command`, while the command line is imported) and the command line."""

from __future__ import annotations

#: Exit code of an interrupted command (128 + SIGINT), and what it says.
INTERRUPTED = 130
INTERRUPTED_TEXT = (
    "interrupted: what was stored before is intact and nothing half-written is kept; "
    "a sweep or a study continues where it stopped with --resume"
)
