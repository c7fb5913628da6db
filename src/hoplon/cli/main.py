"""The entry point: every command registered, refusals turned into exit code 2.

A refusal (:class:`~hoplon.errors.InputError`) is printed as one located line per
problem, with the library's field names mapped to the options the user gave
(:func:`option_names`); anything else that escapes is an internal error (exit code 1).
"""

from __future__ import annotations

import dataclasses
import errno
import io
import os
import re
import signal
import sys
import threading

import typer

# the exit code of an interrupted command and what it says, shared with the entry point
# (which says it when Ctrl-C comes while the command line is being imported)
from hoplon._interrupt import INTERRUPTED, INTERRUPTED_TEXT
from hoplon.cli.app import app, err
from hoplon.errors import InputError
from hoplon.safetext import plain, visible

try:  # Typer vendors its own copy of Click from 0.20 on
    from typer._click import exceptions as _click_exceptions
except ImportError:  # pragma: no cover - older Typer
    from click import exceptions as _click_exceptions  # type: ignore[no-redef]

#: Library fields the command line sets with an option of another name.
_RENAMED = {
    "nations": "--without",
    "agreements": "--drop-agreement",
    "max_memory": "--max-memory",
    "max_rows": "--max-rows",
    "horizon_years": "--horizon",
    "discount_rate": "--discount-rate",
}
#: Library fields (first word) the command line sets with the option ``--<field>``.
_OPTIONS = (
    "trials", "seed", "workers", "cluster", "set", "store", "resume", "metric", "output",
    "method", "samples", "n", "levels", "set-together", "population", "generations",
)  # fmt: skip


def option_names(exc: InputError) -> InputError:
    """The refusal with each library field the command line sets named as its option.

    The library names scenario fields and arguments (``nations``, ``set threats[0].count=..``);
    a user of the command line gave ``--without`` or ``--set``. Problems located in a file
    (with a line) keep their field: they come from the scenario, not an option.
    """
    problems = []
    for p in exc.problems:
        field = p.field
        if p.line is None and field:
            word, _, rest = field.partition(" ")
            if field in _RENAMED:
                field = _RENAMED[field]
            elif word == "set":  # a sweep point names each of its --set values
                field = re.sub(r"(^| )set (?=\S)", r"\1--set ", field)
            elif word in _OPTIONS:
                field = f"--{word}" + (f" {rest}" if rest else "")
        problems.append(dataclasses.replace(p, field=field))
    return type(exc)(problems, exc.file)


#: Exit code of a command stopped by SIGTERM (128 + 15: a job scheduler's or ``kill``'s
#: stop), and what it says. It stops as Ctrl-C does: the same clean-up, the same store.
TERMINATED = 143
TERMINATED_TEXT = INTERRUPTED_TEXT.replace("interrupted", "terminated (SIGTERM)", 1)


class _Stop:
    """Whether SIGTERM arrived: its handler raises KeyboardInterrupt, so the command
    stops through the clean-up Ctrl-C takes, and the exit says which signal it was."""

    terminated = False

    @classmethod
    def on_sigterm(cls, signum: int, frame: object) -> None:
        del signum, frame
        cls.terminated = True
        raise KeyboardInterrupt


def _stopped(code: int) -> int:
    """Print why the command stopped (Ctrl-C or SIGTERM); its exit code."""
    if _Stop.terminated:
        err.print(TERMINATED_TEXT)
        return TERMINATED
    err.print(INTERRUPTED_TEXT)
    return code


#: Errors of writing that are the machine's, not Hoplon's: a full disk or quota, a
#: read-only file system, an input/output error.
_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command, turning errors into exit codes 2 and 1."""
    from hoplon.cli.commands import register_all

    register_all()
    from hoplon.compile import memory

    memory.set_max_memory(None)  # each command sets its own --max-memory
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _Stop.terminated = False
    # only over the default (a SIGTERM ignored, or handled by whoever embeds Hoplon, stays
    # so), and only from the main thread, the one a handler can be set from
    previous = signal.getsignal(signal.SIGTERM)
    ours = threading.current_thread() is threading.main_thread() and previous == signal.SIG_DFL
    if ours:
        signal.signal(signal.SIGTERM, _Stop.on_sigterm)
    try:
        code = app(args=args, prog_name="hoplon", standalone_mode=False)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
    except InputError as exc:
        err.print(plain(option_names(exc).render(), newlines=True))
        sys.exit(2)
    except typer.Exit as exc:
        if exc.exit_code == INTERRUPTED:  # Ctrl-C, as Typer reports it
            sys.exit(_stopped(INTERRUPTED))
        sys.exit(exc.exit_code)
    except _click_exceptions.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        sys.stderr.write(visible(shown.getvalue(), newlines=True))
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(_stopped(INTERRUPTED))
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in _CANNOT_WRITE or debug:
            raise
        where = exc.filename or "standard output"
        err.print(plain(f"cannot write {where}: {os.strerror(exc.errno or 0)}", newlines=True))
        sys.exit(2)
    except Exception as exc:
        if debug:
            raise
        err.print(
            plain(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in Hoplon, not in your input. Run again with --debug for the traceback.",
                newlines=True,
            )
        )
        sys.exit(1)
    finally:
        if ours:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if code == INTERRUPTED:  # Ctrl-C, which Typer turns into this exit code
        code = _stopped(INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
