"""Output files written safely: whole or not at all, and never through a link or onto a device.

Every file Hoplon writes (an HTML report, a point or a manifest of the results store) goes
through :func:`write_bytes_atomic`:

1. the target is looked at without following links (``lstat``): a symbolic link, a
   folder, a device, a FIFO or a socket is refused; only a missing name or a regular
   file is written;
2. the data go to a new temporary file in the target's own folder, with a unique name
   (``.<name>.<pid>.<random>.tmp``) created with ``O_CREAT | O_EXCL | O_NOFOLLOW``, so
   an existing file or a link planted under that name is never opened;
3. the file is flushed and ``fsync``-ed, the target is checked again, and the temporary
   file is renamed over it with :func:`os.replace` (atomic: a reader sees the old file
   or the new one), then the folder is ``fsync``-ed.

On any failure the temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from hoplon.errors import InputError

#: Flags of the temporary file: a new file, never through a link, not inherited.
_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class UnsafeTarget(OSError):
    """The target exists and is not a regular file (a link, folder, device, FIFO, socket)."""


def _what(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover - no other kinds on POSIX


def target_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be written (it exists and is not a regular file), or None."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "its folder is a file"
    except OSError as exc:
        return f"cannot look at it: {exc.strerror or exc}"
    kind = _what(mode)
    if kind is None:
        return None
    return f"this is {kind}; Hoplon writes only regular files (a new name or an existing file)"


def check_output(path: str | Path, field: str = "output") -> Path:
    """Refuse, before any work, an output target that is not a regular file.

    Raises:
        InputError: (exit code 2) the target is a symbolic link, folder, device, FIFO or
            socket, naming it.
    """
    problem = target_problem(path)
    if problem:
        raise InputError.single(problem, file=str(path), field=field)
    return Path(path)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems refuse fsync on a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def temporary_name(path: Path) -> Path:
    """A fresh temporary name next to ``path``: ``.<name>.<pid>.<random>.tmp``."""
    return path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_bytes_atomic(path: str | Path, data: bytes, *, mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` atomically and safely (see the module's text).

    ``mode`` is a new file's permissions before the umask; an existing file keeps its own.

    Raises:
        UnsafeTarget: the target is not a regular file (nothing is written).
        OSError: the write failed (disk full, read-only, no permission); the target is
            unchanged and no temporary file is left.
    """
    target = Path(path)
    problem = target_problem(target)
    if problem:
        raise UnsafeTarget(errno.EEXIST, problem, str(target))
    keep: int | None = None  # an existing file's permissions, kept
    with contextlib.suppress(FileNotFoundError):
        keep = stat.S_IMODE(os.lstat(target).st_mode)
    folder = target.parent
    for _ in range(100):
        temp = temporary_name(target)
        try:
            fd = os.open(temp, _FLAGS, mode)
            break
        except FileExistsError:  # that name is taken (or a link planted there): another
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep is not None:
            with contextlib.suppress(OSError):
                os.chmod(temp, keep)
        problem = target_problem(target)  # it may have changed while we wrote
        if problem:
            raise UnsafeTarget(errno.EEXIST, problem, str(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(folder)


def write_output(path: str | Path, data: bytes | str, *, field: str = "output") -> None:
    """Write a user's output file (``report -o``): :func:`write_bytes_atomic`, with every
    failure turned into one clear line and exit code 2.

    Raises:
        InputError: the target is not a regular file, or the write failed (naming the
            file and the reason; the previous file, if any, is unchanged).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, payload)
    except UnsafeTarget as exc:
        raise InputError.single(str(exc.strerror), file=str(target), field=field) from None
    except OSError as exc:
        raise InputError.from_os(
            exc,
            "write the file",
            file=target,
            field=field,
            then="nothing was written (a file already there is unchanged)",
        ) from None
