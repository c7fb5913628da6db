"""Input errors: one place that turns every refusal into a clear, located message.

Field paths are parsed (:func:`parse_path`) and formatted (:func:`format_path`) here, once.

Every bad input (a scenario file, a command-line option) raises :class:`InputError`;
the command line prints it on standard error and exits with code 2. Anything else that
escapes is an internal error (exit code 1).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

PathPart = str | int
FieldPath = tuple[PathPart, ...]
"""A located field: names and list indexes, ``("units", 1, "magazine")``."""


@dataclass(frozen=True)
class Select:
    """A bracketed, non-integer path part: ``units[patriot-tokyo]`` or ``magazine["PAC-3 MSE"]``.

    On a mapping it is a key; on a list it picks the item whose ``id`` is ``text``.
    """

    text: str


SelectPart = str | int | Select
"""A part of a path as written: a name, an index, or a bracketed id or key."""


class FieldValueError(ValueError):
    """A validator's refusal of one entry inside the field it checks.

    ``at`` is the path from the failing field to the entry (a mapping's key, a list's
    index), so the loader locates the message at that entry's line, not the field's.
    """

    def __init__(self, message: str, at: FieldPath) -> None:
        super().__init__(message)
        self.at = tuple(at)


class OverrideError(ValueError):
    """A path or value that cannot be applied; the message says what is accepted."""


_TOKEN = re.compile(
    r"""
    (?P<dot>\.)?(?P<name>[^.\[\]]+)                       # name or .name
    | \[\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]"']*))\s*\]   # [0], [id], ["key"]
    """,
    re.VERBOSE,
)

_PATH_HELP = (
    "a path is field names joined by dots, with [N] for the N-th item of a list (from 0) "
    "or [id] for the item with that id: threats[0].count, doctrine.shots_per_engagement, "
    "units[patriot-tokyo].magazine.PAC-3 MSE"
)


def parse_path(text: str) -> tuple[SelectPart, ...]:
    """Parse a field path: ``threats[0].count``, ``units[2].magazine.PAC-3 MSE``.

    Names are separated by dots; ``[N]`` is the N-th item of a list (from 0); ``[text]``
    or ``["text"]`` is a mapping key or, on a list, the item whose ``id`` is ``text``
    (quote a key that holds dots or brackets).

    Raises:
        OverrideError: the path is empty or malformed.
    """
    s = text.strip()
    if not s:
        raise OverrideError(f"the path is empty; {_PATH_HELP}")
    parts: list[SelectPart] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None or m.end() == pos:
            raise OverrideError(f"cannot read the path at '{s[pos:]}'; {_PATH_HELP}")
        if m.group("name") is not None:
            if bool(m.group("dot")) != bool(parts):
                where = "start with a field name" if not parts else "separate names by dots"
                raise OverrideError(f"cannot read the path at '{s[pos:]}' ({where}); {_PATH_HELP}")
            name = m.group("name").strip()
            if not name:
                raise OverrideError(f"empty field name at '{s[pos:]}'; {_PATH_HELP}")
            if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
                parts.append(Select(name[1:-1]))  # interceptors."SM-3 Block IB" as in YAML
            else:
                parts.append(name)
        else:
            if not parts:
                raise OverrideError(f"the path must start with a field name; {_PATH_HELP}")
            quoted = m.group("dq") if m.group("dq") is not None else m.group("sq")
            if quoted is not None:
                parts.append(Select(quoted))
            else:
                bare = (m.group("bare") or "").strip()
                if not bare:
                    raise OverrideError(f"empty brackets in the path; {_PATH_HELP}")
                if re.fullmatch(r"-?\d+", bare):
                    index = int(bare)
                    if index < 0:
                        raise OverrideError(f"list index {index} is negative; items count from 0")
                    parts.append(index)
                else:
                    parts.append(Select(bare))
        pos = m.end()
    return tuple(parts)


def format_path(path: Sequence[SelectPart]) -> str:
    """Render a field path the way users write it: ``units[1].magazine``.

    An id or key given in brackets (:class:`Select`) is written ``[id]``, or quoted
    ``["key"]`` when it holds spaces at its ends, brackets or quotes, or reads like an
    index; :func:`parse_path` reads the text back to the same parts.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, Select):
            plain = (
                part.text == part.text.strip()
                and part.text
                and not re.fullmatch(r"-?\d+", part.text)
                and not re.search(r"[\]\"']", part.text)
            )
            out += f"[{part.text}]" if plain else f'["{part.text}"]'
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_field_path(text: str) -> FieldPath:
    """A path as the located errors use it: ``economics.consortia[0].members[3]`` ->
    ``("economics", "consortia", 0, "members", 3)`` (a bracketed key becomes a name)."""
    return tuple(p.text if isinstance(p, Select) else p for p in parse_path(text))


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to ``word`` (at most ``n``), ignoring case when none is close
    as written."""
    choices = list(choices)
    close = get_close_matches(word, choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [
            lowered[c] for c in get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
        ]
    return close


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A ``did you mean ...?`` suffix naming the closest choices, or an empty string."""
    close = closest(word, choices, n)
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
        """``file:line:col: field: message`` on one line (``field: message`` for a command-line
        option, which has no file or line); control characters that came from
        the input (a newline in a value, an escape sequence) are shown as escapes."""
        from hoplon.safetext import visible

        message, field = visible(self.message), visible(self.field)
        if file is None and self.line is None:  # a command-line option: no file to name
            return f"{field}: {message}" if field else message
        where = visible(file or "<input>")
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in words (disk full, read-only, no permission, ...)."""
    words = {
        errno.ENOSPC: "no space left on the device",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "no permission",
        errno.EPERM: "no permission",
        errno.EDQUOT: "the disk quota is exceeded",
    }
    return words.get(exc.errno or 0) or exc.strerror or str(exc)


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

    @classmethod
    def from_os(
        cls,
        exc: OSError,
        action: str,
        *,
        file: str | Path | None = None,
        field: str = "",
        then: str = "",
    ) -> InputError:
        """A refusal for a failed file operation: ``cannot <action>: <reason>[; <then>]``.

        The one conversion of an :class:`OSError` into a refusal (exit code 2), with the
        reason in words (:func:`os_reason`).
        """
        message = f"cannot {action}: {os_reason(exc)}" + (f"; {then}" if then else "")
        return cls(Problem(message, field), file)

    def render(self, limit: int = 10) -> str:
        """The message shown to the user: the first problems, one per line."""
        lines = [p.render(self.file) for p in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        return "\n".join(lines)


class StoreWriteError(InputError):
    """The store refused a write: disk full, read-only, no permission (exit code 2)."""

    def kept(self, what: str) -> StoreWriteError:
        """The same refusal, saying what was kept."""
        problems = [
            Problem(f"{p.message}; {what}", p.field, p.line, p.column) for p in self.problems
        ]
        return StoreWriteError(problems, self.file)
