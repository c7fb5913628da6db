"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader never constructs Python objects, but its output forgets line
numbers and it would expand an alias bomb lazily into an exponential walk during
validation. This reader composes the node graph, then builds plain data itself while
counting every node it produces (aliases included), so a file that would expand past
:data:`MAX_NODES` values is refused at once, and records the line and column of every
field path for error messages.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hoplon.errors import FieldPath, InputError, Problem

#: Largest scenario file read, in bytes; larger files are refused before parsing.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Most values (after alias expansion) one document may hold.
MAX_NODES = 200_000
#: Deepest nesting accepted.
MAX_DEPTH = 64
#: Longest integer accepted, in decimal digits.
MAX_INT_DIGITS = 300
_MAX_INT = 10**MAX_INT_DIGITS

Positions = dict[FieldPath, tuple[int, int]]
#: Appended to a mapping entry's path in :data:`Positions` for where its key is written
#: (the path alone gives where its value starts): an unknown field is shown at its key.
KEY = "\x00key"

#: libyaml's parser when PyYAML was built with it: about ten times faster than the pure
#: Python one, so a file near :data:`MAX_FILE_BYTES` is read in about a second, not
#: ten; it also refuses nesting beyond 1,000 levels by itself, without recursion.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.positions: Positions = {}
        self._constructor = SafeConstructor()

    def _fail(self, message: str, node: Node, path: FieldPath) -> InputError:
        from hoplon.errors import format_path

        mark = node.start_mark
        return InputError(
            Problem(message, format_path(path), mark.line + 1, mark.column + 1), self.file
        )

    def build(self, node: Node, path: FieldPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(
                f"the document expands to more than {MAX_NODES:,} values (aliases included); "
                "a scenario needs far fewer. Write the values out, or use fewer aliases",
                node,
                path,
            )
        if depth > MAX_DEPTH:
            raise self._fail(f"nesting deeper than {MAX_DEPTH} levels is not accepted", node, path)
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            try:
                value = self._constructor.construct_object(node, deep=True)
            except ConstructorError as exc:
                raise self._fail(
                    f"cannot read this value ({exc.problem}); plain YAML scalars, lists and "
                    "mappings are accepted, no tags that construct objects",
                    node,
                    path,
                ) from None
            except ValueError as exc:  # an impossible date, or an integer too long to convert
                raise self._fail(
                    f"cannot read this value ({str(exc).split(';')[0]})", node, path
                ) from None
            # Python cannot print integers of thousands of digits, so every later message
            # about one would fail; no scenario value comes anywhere near this.
            if isinstance(value, int) and abs(value) >= _MAX_INT:
                raise self._fail(
                    f"this number has more than {MAX_INT_DIGITS} digits; no scenario value "
                    "is that large",
                    node,
                    path,
                )
            # .inf, .nan and numbers beyond the float range (1e400 reads as inf) are no
            # quantity: refuse them here, where the position of the value is known
            if isinstance(value, float) and not math.isfinite(value):
                raise self._fail(
                    f"{node.value!r} is not a finite number; give a finite number "
                    "(no inf, nan, or numbers beyond about 1.8e308)",
                    node,
                    path,
                )
            return value
        if isinstance(node, SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                raise self._fail(f"the tag {node.tag!r} is not accepted", node, path)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                raise self._fail(f"the tag {node.tag!r} is not accepted", node, path)
            try:
                self._constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
            except ConstructorError as exc:
                raise self._fail(f"bad merge key: {exc.problem}", node, path) from None
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path, depth + 1)
                if not isinstance(key, str | int | float | bool) or key is None:
                    what = "a mapping key must be a plain string"
                    if isinstance(key, dt.date):  # 2006-02-28: YAML reads a date
                        what += (
                            f" or number; {key_node.value} reads as a date (a year is "
                            f"written {key.year}; quote the key to keep it as text)"
                        )
                    raise self._fail(what, key_node, path)
                if isinstance(key, bool | float):
                    key = str(key)
                skey: Any = key if isinstance(key, str) else str(key)
                if skey in out:
                    raise self._fail(f"duplicate key '{skey}'", key_node, (*path, skey))
                mark = key_node.start_mark  # where the key is written, for an unknown key
                self.positions[(*path, skey, KEY)] = (mark.line + 1, mark.column + 1)
                out[skey] = self.build(value_node, (*path, skey), depth + 1)
            return out
        raise self._fail("unexpected YAML node", node, path)  # pragma: no cover


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a special file"


def read_regular_file(path: Path, limit: int, wanted: str) -> bytes:
    """The bytes of ``path``, refusing anything but a regular file of at most ``limit`` bytes.

    Symbolic links are followed, then the target must be a regular file: a named pipe
    would block forever and a device (``/dev/zero``) never ends. The file is opened
    without blocking and checked again on the open descriptor (so it cannot be swapped
    in between), and at most ``limit + 1`` bytes are read whatever its size claims.
    ``wanted`` names what is accepted, e.g. ``"a scenario .yaml file"``.
    """
    file = str(path)
    try:  # name what it is before opening (opening a device may need rights, or block)
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError.single("no such file", file=file) from None
    except OSError as exc:
        raise InputError.from_os(exc, "read the file", file=file) from None
    if not stat.S_ISREG(mode):
        kind = _not_regular(mode)
        raise InputError.single(f"this is {kind}, not a regular file; give {wanted}", file=file)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError.single("no such file", file=file) from None
    except IsADirectoryError:
        raise InputError.single(f"this is a folder; give {wanted}", file=file) from None
    except OSError as exc:
        raise InputError.from_os(exc, "read the file", file=file) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _not_regular(info.st_mode)
            raise InputError.single(f"this is {kind}, not a regular file; give {wanted}", file=file)
        if info.st_size > limit:
            raise InputError.single(
                f"the file is {info.st_size:,} bytes; files up to {limit:,} bytes are accepted",
                file=file,
            )
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except OSError as exc:
                raise InputError.from_os(exc, "read the file", file=file) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # the file grew while it was read
            raise InputError.single(
                f"the file is over {limit:,} bytes; files up to {limit:,} bytes are accepted",
                file=file,
            )
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> tuple[bytes, str]:
    """Read a scenario file's bytes and text, refusing huge or non-text files early."""
    file = str(path)
    data = read_regular_file(path, MAX_FILE_BYTES, "a scenario .yaml file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.single(
            "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8",
            file=file,
        )
    if b"\x00" in data:
        raise InputError.single("this is not a text file (it contains NUL bytes)", file=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            f"the file is not valid UTF-8 text (byte {exc.start}); save it as UTF-8", file=file
        ) from None
    return data, text


def _char_at(text: str, mark: Any) -> str:
    """The character of ``text`` at a YAML error's mark (line and column from 0), or ''."""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if 0 <= mark.column < len(line) else ""


def parse_yaml(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain data, with the position of every field path."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise InputError.single(
            f"the text is longer than {MAX_FILE_BYTES:,} bytes, the largest scenario accepted",
            file=file,
        )
    loader = _LOADER
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: libyaml cannot take them, the reader names them
        loader = yaml.SafeLoader
    try:
        nodes = list(yaml.compose_all(text, Loader=loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        if mark is not None and _char_at(text, mark) == "\t":
            problem = "a tab character; YAML indents with spaces only: replace the tab with spaces"
        elif exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            start = exc.context_mark
            if "quoted scalar" in exc.context:  # an opening quote never closed
                problem = (
                    f"{problem}: the quoted text opened at line {start.line + 1}, column "
                    f"{start.column + 1} is never closed"
                )
                mark = start
            else:
                problem = f"{problem} ({exc.context}, from line {start.line + 1})"
        raise InputError(
            Problem(
                f"not valid YAML: {problem}",
                line=(mark.line + 1) if mark else None,
                column=(mark.column + 1) if mark else None,
            ),
            file,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.single(f"not valid YAML: {exc}", file=file) from None
    except RecursionError:
        raise InputError.single(
            f"nesting is too deep; at most {MAX_DEPTH} levels are accepted", file=file
        ) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise InputError.single(
            "the file is empty; a scenario starts with 'hoplon: 1' and 'name: ...'", file=file
        )
    if len(nodes) > 1:
        raise InputError.single(
            f"the file holds {len(nodes)} YAML documents; one scenario per file is accepted",
            file=file,
            line=nodes[1].start_mark.line + 1,
        )
    builder = _Builder(file)
    data = builder.build(nodes[0], ())
    return data, builder.positions
