"""Input errors: one place that turns every refusal into a clear, located message.

Every bad input (a scenario file, a command-line option) raises :class:`InputError`;
the command line prints it on standard error and exits with code 2. Anything else that
escapes is an internal error (exit code 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

PathPart = str | int
FieldPath = tuple[PathPart, ...]


def format_path(path: Sequence[PathPart]) -> str:
    """Render a field path the way users write it: ``units[1].magazine``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A ``did you mean ...?`` suffix naming the closest choices, or an empty string."""
    choices = list(choices)
    close = get_close_matches(word, choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [
            lowered[c] for c in get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
        ]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    field: str = ""
    line: int | None = None
    column: int | None = None

    def render(self, file: str | None) -> str:
        """``file:line:col: field: message`` on one line; control characters that came from
        the input (a newline in a value, an escape sequence) are shown as escapes."""
        from hoplon.safetext import visible

        where = visible(file or "<input>")
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        message, field = visible(self.message), visible(self.field)
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"


class InputError(Exception):
    """A refused input. Carries one or more located :class:`Problem` records."""

    def __init__(self, problems: Problem | Sequence[Problem], file: str | Path | None = None):
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        self.file = str(file) if file is not None else None
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[Problem, ...], str | None]]:
        # Pickled as its problems and file (not its message), so that a refusal raised in
        # a worker process or on a Dask worker reaches the user unchanged.
        return (type(self), (self.problems, self.file))

    @classmethod
    def single(
        cls,
        message: str,
        *,
        file: str | Path | None = None,
        field: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> InputError:
        return cls(Problem(message, field, line, column), file)

    def render(self, limit: int = 10) -> str:
        """The message shown to the user: the first problems, one per line."""
        lines = [p.render(self.file) for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        return "\n".join(lines)
