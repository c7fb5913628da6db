"""Studies: many runs of scenarios. Compare architectures, sweep parameters, run anywhere.

- :func:`compare` runs several scenarios with the same seed and trials and tests each
  difference from the first (the baseline) on the per-trial values.
- :func:`plan_sweep` / :func:`run_sweep` expand ``--set PATH=VALUES`` options into a grid
  of points, apply each point's overrides to the scenario as read from its file,
  validate every point before anything runs, then run the points and write each to the
  results store (:mod:`hoplon.store`) as it finishes, skipping with ``resume`` the
  points already stored.
- :func:`map_points` is the executor: local processes, or a Dask cluster.

Common random numbers. The engine draws chance from streams keyed by the block of
trials, the wave, and the threat and engagement slot it decides (never by the order of
the draws), so two scenarios run with the same seed and trials see the same chance for
the same threat index and slot. The launch-reliability draws of a wave form one
``(trials, threats)`` matrix, so trial ``i`` of two scenarios uses the same numbers,
and no number of any other trial, exactly when each wave they share has the same number
of threats. Then the pairs (trial ``i`` of A, trial ``i`` of B) are independent from
one pair to the next, and differences are tested with the paired test on the per-trial
differences. Otherwise the unpaired (Welch) test is used. See ``docs/studies.md``.
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from hoplon import __version__, memory
from hoplon.core.stats import Z95, Estimate, mean_estimate, proportion_estimate
from hoplon.errors import InputError, Problem, did_you_mean
from hoplon.memory import Estimate as MemoryEstimate

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.api import Result
    from hoplon.store import ResultStore

T = TypeVar("T")
R = TypeVar("R")

FloatArray = NDArray[np.float64]

#: Largest grid a sweep accepts.
MAX_POINTS = 10_000
#: Most local processes a command starts (``--workers``); more than the cores only adds
#: memory, never speed.
MAX_WORKERS = 256
#: Seconds a Dask sweep waits with no worker in the cluster before it stops (exit 2).
WORKER_TIMEOUT_S = 60.0
#: Two-sided significance level of the compare tests.
ALPHA = 0.05

# =============================================================================== paths


@dataclass(frozen=True)
class Select:
    """A bracketed, non-integer path part: ``units[patriot-tokyo]`` or ``magazine["PAC-3 MSE"]``.

    On a mapping it is a key; on a list it picks the item whose ``id`` is ``text``.
    """

    text: str


PathPart = str | int | Select


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


def parse_path(text: str) -> tuple[PathPart, ...]:
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
    parts: list[PathPart] = []
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


def format_parts(parts: Sequence[PathPart]) -> str:
    """The canonical text of a parsed path (used as the override's key)."""
    out = ""
    for part in parts:
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
            out += ("." if out else "") + part
    return out


def _ids(items: list[Any]) -> list[str]:
    return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]


def set_field(raw: dict[str, Any], parts: Sequence[PathPart], value: Any) -> None:
    """Set the field at ``parts`` in ``raw`` (in place), creating missing mappings.

    A missing key is added (validation then refuses an unknown field and names the
    accepted ones); a list item must exist.

    Raises:
        OverrideError: the path does not fit the data (index out of range, no item with
            that id, a field of a single value, a name on a list).
    """
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = format_parts(parts[:depth]) or "the scenario"
        if isinstance(node, dict):
            if isinstance(part, int):
                fields = ", ".join(map(str, node)) or "none yet"
                raise OverrideError(
                    f"{where} is a mapping, not a list; address its fields by name "
                    f"(fields: {fields})"
                )
            key = part.text if isinstance(part, Select) else part
            if last:
                node[key] = value
                return
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
        elif isinstance(node, list):
            if isinstance(part, int):
                if not 0 <= part < len(node):
                    accepted = f"0 to {len(node) - 1}" if node else "none: the list is empty"
                    raise OverrideError(
                        f"{where} has {len(node)} item{'s' if len(node) != 1 else ''}; "
                        f"index {part} is out of range (accepted: {accepted})"
                    )
                index = part
            elif isinstance(part, Select):
                ids = _ids(node)
                found = [
                    k
                    for k, item in enumerate(node)
                    if isinstance(item, dict) and str(item.get("id")) == part.text
                ]
                if not found:
                    raise OverrideError(
                        f"no item of {where} has id '{part.text}'{did_you_mean(part.text, ids)}; "
                        f"ids: {', '.join(ids) or 'none'}; or give an index 0 to {len(node) - 1}"
                    )
                index = found[0]
            else:
                raise OverrideError(
                    f"{where} is a list; address an item by index ({where}[0]) "
                    f"or by id ({where}[{(_ids(node) or ['some-id'])[0]}]), not by '.{part}'"
                )
            if last:
                node[index] = value
                return
            node = node[index]
        else:
            raise OverrideError(f"{where} is a single value ({node!r}); it has no field {part!r}")


def field_location(raw: Any, parts: Sequence[PathPart]) -> tuple[PathPart, ...]:
    """Where ``parts`` lands in ``raw``: ids resolved to list indexes, ``[key]`` to ``.key``.

    Two spellings of one field (``threats[0]`` and ``threats[mrbm-tokyo]``,
    ``doctrine[assessment_s]`` and ``doctrine.assessment_s``) have the same location. A
    part that addresses nothing yet is kept as it is (:func:`set_field` refuses it or adds
    the key).
    """
    node: Any = raw
    out: list[PathPart] = []
    for part in parts:
        key: PathPart = part
        if isinstance(node, list) and isinstance(part, Select):
            found = [
                k
                for k, item in enumerate(node)
                if isinstance(item, dict) and str(item.get("id")) == part.text
            ]
            key = found[0] if found else part
        elif isinstance(part, Select):
            key = part.text
        out.append(key)
        if isinstance(node, dict) and isinstance(key, str):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            node = None
    return tuple(out)


def check_distinct_fields(raw: Mapping[str, Any], sets: Sequence[SetSpec]) -> None:
    """Refuse two ``--set`` options that address one field, however each spells it.

    Raises:
        InputError: naming both options; also when one sets a field inside the other's.
    """
    seen: list[tuple[tuple[PathPart, ...], SetSpec]] = []
    for s in sets:
        here = field_location(raw, s.parts)
        for there, other in seen:
            if s.path == other.path:
                continue  # the same spelling: expand_grid names it
            common = min(len(here), len(there))
            if here[:common] != there[:common]:
                continue
            if len(here) == len(there):
                message = (
                    f"{s.path} and {other.path} (--set {other.option}) are the same field, "
                    f"{format_parts(here)}"
                )
            else:
                outer, inner = (other, s) if len(there) < len(here) else (s, other)
                message = f"{inner.path} is a part of {outer.path}, which is set as a whole"
            raise InputError.single(
                f"{message}; give each field once (list all its values in one --set)",
                field=f"--set {s.option}",
            )
        seen.append((here, s))


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``raw`` with each ``path: value`` of ``overrides`` set, in order.

    Raises:
        OverrideError: naming the path that does not fit.
    """
    out = copy.deepcopy(dict(raw))
    for path, value in overrides.items():
        try:
            set_field(out, parse_path(path), value)
        except OverrideError as exc:
            raise OverrideError(f"{path}: {exc}") from None
    return out


# ============================================================================== values

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*\.\.\s*({_NUMBER})(?:\s*\.\.\s*({_NUMBER}))?\s*$")
_VALUES_HELP = (
    "VALUES is a..b (integers, inclusive), a..b..step, or a comma list of numbers, "
    "true/false, null or text (quote text that looks like a number: '1')"
)


_FINITE = "give a finite number (quote a text value that reads like one: 'nan')"


def parse_scalar(text: str) -> Any:
    """One value of a comma list: an integer, a decimal number, true/false, null or text.

    Quotes (``'1'``, ``"NO"``) keep a value as text. Unlike YAML 1.1, ``yes``/``no``/
    ``on``/``off`` stay text (``NO`` is Norway).
    """
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1]
    if re.fullmatch(r"[-+]?\d+", s):
        return int(s)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", s):
        number = float(s)
        if not math.isfinite(number):
            raise OverrideError(f"{s} is beyond the range of numbers (about 1.8e308); {_FINITE}")
        return number
    if re.fullmatch(r"[-+]?\.?(inf|infinity|nan)", s, re.IGNORECASE):
        raise OverrideError(f"{s} is not a finite number; {_FINITE}")
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none", "~"):
        return None
    return s


def parse_values(text: str) -> list[Any]:
    """Expand VALUES: ``a..b``, ``a..b..step`` or a comma list.

    ``1..5`` is 1, 2, 3, 4, 5; ``10..2..-4`` is 10, 6, 2; ``0.5..1..0.25`` is 0.5,
    0.75, 1.0 (decimal ranges need a step); ``1,2,5`` and ``true,false`` and
    ``earliest-intercept,cheapest-capable`` are lists.

    Raises:
        OverrideError: an empty value, a zero step, or a step that never reaches b.
    """
    s = text.strip()
    if not s:
        raise OverrideError(f"no values given; {_VALUES_HELP}")
    m = _RANGE.match(s)
    if m:
        a_text, b_text, step_text = m.groups()
        if all("." not in t for t in (a_text, b_text, step_text or "")):
            a, b = int(a_text), int(b_text)
            step = int(step_text) if step_text else (1 if b >= a else 0)
            if step == 0:
                raise OverrideError(
                    f"the range {s} needs a step that is not zero "
                    f"(for a descending range give a negative step: {a}..{b}..-1)"
                )
            if (b - a) * step < 0:
                raise OverrideError(f"the step {step} never reaches {b} from {a}")
            values: list[Any] = list(range(a, b + (1 if step > 0 else -1), step))
        else:
            if step_text is None:
                raise OverrideError(
                    f"a..b takes integers; for decimal numbers give a step: {a_text}..{b_text}..0.1"
                )
            try:
                da, db, dstep = Decimal(a_text), Decimal(b_text), Decimal(step_text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise OverrideError(f"cannot read the range {s}; {_VALUES_HELP}") from None
            if dstep == 0:
                raise OverrideError(f"the range {s} needs a step that is not zero")
            if (db - da) * dstep < 0:
                raise OverrideError(f"the step {step_text} never reaches {b_text} from {a_text}")
            count = int((db - da) / dstep) + 1
            if count > MAX_POINTS:
                raise OverrideError(f"the range {s} has {count:,} values; at most {MAX_POINTS:,}")
            values = [float(da + k * dstep) for k in range(count)]
        if len(values) > MAX_POINTS:
            raise OverrideError(f"the range {s} has {len(values):,} values; at most {MAX_POINTS:,}")
        return values
    items = s.split(",")
    if any(not item.strip() for item in items):
        raise OverrideError(f"an empty item in the list '{s}'; {_VALUES_HELP}")
    return [parse_scalar(item) for item in items]


def show_value(value: Any) -> str:
    """A value the way it is written on the command line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class SetSpec:
    """One ``--set PATH=VALUES`` option: the parsed path and the expanded values."""

    path: str
    """Canonical path text (the key of the point's overrides)."""
    parts: tuple[PathPart, ...]
    values: tuple[Any, ...]
    option: str
    """The option as given."""


def parse_set(option: str) -> SetSpec:
    """Parse ``PATH=VALUES``.

    Raises:
        InputError: (exit code 2) naming the option and what is accepted.
    """
    if "=" not in option:
        raise InputError.single(
            f"expected PATH=VALUES, e.g. threats[0].count=1..40; {_VALUES_HELP}",
            field=f"--set {option}",
        )
    path_text, values_text = option.split("=", 1)
    try:
        parts = parse_path(path_text)
        values = parse_values(values_text)
    except OverrideError as exc:
        raise InputError.single(str(exc), field=f"--set {option}") from None
    return SetSpec(format_parts(parts), parts, tuple(values), option)


def expand_grid(sets: Sequence[SetSpec]) -> list[dict[str, Any]]:
    """Every combination of the sets' values, the first set varying slowest.

    Returns one ``{path: value}`` per point, the paths in the order of ``sets``.

    Raises:
        InputError: a path given twice, or a grid of more than :data:`MAX_POINTS` points.
    """
    seen: dict[str, str] = {}
    for s in sets:
        if s.path in seen:
            raise InputError.single(
                f"the path {s.path} is already set by --set {seen[s.path]}; give each path once "
                "(list all its values in one --set)",
                field=f"--set {s.option}",
            )
        seen[s.path] = s.option
    size = math.prod(len(s.values) for s in sets)
    if size > MAX_POINTS:
        raise InputError.single(
            f"the grid has {size:,} points; at most {MAX_POINTS:,} are accepted",
            field="--set",
        )
    return [
        dict(zip((s.path for s in sets), combo, strict=True))
        for combo in itertools.product(*(s.values for s in sets))
    ]


# ========================================================================== executors


def _watch_parent(parent: int) -> None:
    """In a worker process: exit when the parent has gone (even killed with SIGKILL)."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="hoplon-parent-watch", daemon=True).start()


def _worker_versions() -> tuple[str, str]:
    import numpy

    import hoplon

    return hoplon.__version__, numpy.__version__


def _check_cluster(client: Any, address: str) -> None:
    """Refuse a cluster whose workers run another Hoplon or numpy version."""
    import numpy

    want = (__version__, numpy.__version__)
    versions = client.run(_worker_versions)
    wrong = {w: tuple(v) for w, v in versions.items() if tuple(v) != want}
    if wrong:
        worker, (hv, nv) = next(iter(wrong.items()))
        raise InputError.single(
            f"the worker {worker} runs hoplon {hv} with numpy {nv}; this machine runs hoplon "
            f"{want[0]} with numpy {want[1]}; results would not be comparable. Install the "
            "same versions on every worker",
            field=f"--cluster {address}",
        )


#: Dask transports a cluster can be reached over (``inproc`` is within one process only,
#: ``ucx`` needs an optional library); ``tls``/``wss`` also need certificates.
CLUSTER_SCHEMES = ("tcp", "tls", "ws", "wss")
_CLUSTER_HELP = (
    "expected a scheduler address such as tcp://10.0.0.5:8786 "
    f"(accepted transports: {', '.join(s + '://' for s in CLUSTER_SCHEMES)})"
)
_ADDRESS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]@]+)"
    r":(?P<port>\d{1,6})/?"
)
_TLS_KEYS = ("ca-file", "client.cert", "client.key")


def check_cluster_address(address: str) -> None:
    """Refuse a ``--cluster`` address Dask could not connect to, before trying.

    Raises:
        InputError: not ``SCHEME://HOST:PORT``; a transport that cannot reach a cluster
            (``inproc``, ``ucx``, unknown); a port outside 1..65535; ``tls``/``wss``
            without the certificates set in the Dask configuration.
    """
    field = f"--cluster {address}"
    match = _ADDRESS.fullmatch(address.strip())
    if match is None:
        raise InputError.single(_CLUSTER_HELP, field=field)
    scheme = match["scheme"]
    if scheme.lower() in CLUSTER_SCHEMES and scheme not in CLUSTER_SCHEMES:
        raise InputError.single(
            f"write the transport in lower case: {scheme.lower()}://; {_CLUSTER_HELP}",
            field=field,
        )
    if scheme not in CLUSTER_SCHEMES:
        why = {
            "inproc": "inproc:// reaches only a scheduler inside this same process",
            "ucx": "ucx:// needs the optional ucx-py library",
        }.get(scheme, f"{scheme}:// is not a Dask transport")
        raise InputError.single(f"{why}; {_CLUSTER_HELP}", field=field)
    port = int(match["port"])
    if not 1 <= port <= 65535:
        raise InputError.single(f"port {port} is outside 1..65535; {_CLUSTER_HELP}", field=field)
    if scheme in ("tls", "wss"):
        import dask.config

        missing = [k for k in _TLS_KEYS if not dask.config.get(f"distributed.comm.tls.{k}", None)]
        if missing:
            names = ", ".join(f"distributed.comm.tls.{k}" for k in missing)
            raise InputError.single(
                f"{scheme}:// needs certificates, and the Dask configuration does not set {names} "
                "(set them in ~/.config/dask/*.yaml or as DASK_DISTRIBUTED__COMM__TLS__... "
                "environment variables), or use tcp://",
                field=field,
            )


def connect_cluster(address: str, timeout_s: float = 10.0) -> Any:
    """A ``dask.distributed.Client`` connected to the scheduler at ``address``.

    Raises:
        InputError: the address is malformed or no scheduler answers there.
    """
    check_cluster_address(address)
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - dask is a dependency
        raise InputError.single(
            "dask.distributed is not installed; pip install 'dask[distributed]'",
            field="--cluster",
        ) from None
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (ValueError, TypeError) as exc:  # refused by Dask's own checks of the address
        raise InputError.single(
            f"Dask cannot connect to this address ({exc}); {_CLUSTER_HELP}",
            field=f"--cluster {address}",
        ) from None
    except (OSError, TimeoutError) as exc:
        raise InputError.single(
            f"no Dask scheduler answered at {address} within {timeout_s:g} s ({exc}); "
            "start one with `dask scheduler` and workers with `dask worker ADDRESS`",
            field="--cluster",
        ) from None
    try:
        _check_cluster(client, address)
    except BaseException:
        client.close()
        raise
    return client


def map_points(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """Apply ``fn`` to every item, yielding ``(index, fn(items[index]))`` as each finishes.

    Args:
        fn: a module-level function (it is pickled by reference); it should be
            deterministic, so that where it runs does not change the answer.
        items: its arguments, picklable.
        workers: local processes (1 runs in this process). Ignored with ``cluster``.
        cluster: a Dask scheduler address (``tcp://HOST:PORT``): one task per item.
        progress: called with 1 each time an item finishes.

    Results come in the order items finish, not the order given; the index says which.
    When the caller stops early (or raises), the remaining work is cancelled.
    """
    if workers > MAX_WORKERS:
        raise InputError.single(
            f"at most {MAX_WORKERS} processes (got {workers}); more than the cores only "
            "adds memory",
            field="--workers",
        )
    if not items:
        return
    if cluster is not None:
        yield from _map_dask(fn, items, cluster, progress)
        return
    if workers <= 1 or len(items) == 1:
        for i, item in enumerate(items):
            value = fn(item)
            if progress:
                progress(1)
            yield i, value
        return
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(items)),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        pending: dict[Future[R], int] = {pool.submit(fn, item): i for i, item in enumerate(items)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: pending[f]):
                i = pending.pop(fut)
                value = fut.result()
                if progress:
                    progress(1)
                yield i, value
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _n_workers(client: Any) -> int:
    """Workers the scheduler knows now (0 when it cannot be asked)."""
    try:
        return len(client.scheduler_info(n_workers=-1).get("workers", {}))
    except TypeError:  # pragma: no cover - older distributed without n_workers
        return len(client.scheduler_info().get("workers", {}))
    except Exception:
        return 0


def _map_dask(
    fn: Callable[[T], R],
    items: Sequence[T],
    address: str,
    progress: Callable[[int], None] | None,
    *,
    worker_timeout_s: float | None = None,
    poll_s: float = 1.0,
) -> Iterator[tuple[int, R]]:
    """Items as Dask tasks; stops with exit code 2 when the cluster has had no worker for
    ``worker_timeout_s`` (default :data:`WORKER_TIMEOUT_S`)."""
    from dask.distributed import as_completed

    if worker_timeout_s is None:
        worker_timeout_s = WORKER_TIMEOUT_S
    client = connect_cluster(address)
    futures: list[Any] = []
    try:
        futures = [client.submit(fn, item, pure=False) for item in items]
        index = {fut.key: i for i, fut in enumerate(futures)}
        arriving = as_completed(futures, loop=client.loop)
        finished = 0
        checked = time.monotonic()
        alone_since: float | None = None  # when the cluster was first seen without workers
        while not arriving.is_empty():
            batch = arriving.next_batch(block=False) if arriving.has_ready() else []
            for fut in sorted(batch, key=lambda f: index[f.key]):
                value = fut.result()
                finished += 1
                if progress:
                    progress(1)
                yield index[fut.key], value
            if batch:
                alone_since = None
                continue
            time.sleep(0.02)
            now = time.monotonic()
            if now - checked < poll_s:
                continue
            checked = now
            if _n_workers(client) > 0:
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= worker_timeout_s:
                raise InputError.single(
                    f"the Dask cluster has had no worker for {worker_timeout_s:g} s; "
                    f"{finished} of {len(items)} points finished (a sweep has stored them); "
                    f"start workers (`dask worker {address}`) and run again with --resume",
                    field=f"--cluster {address}",
                )
    finally:
        if futures:
            client.cancel(futures)
        client.close()


# ============================================================================ compare

#: The headline metrics compared, in the table's order (plus shots by nation).
COMPARE_METRICS = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "interceptor_cost_usd",
    "cost_exchange_ratio",
)


def trial_values(result: Result) -> dict[str, FloatArray]:
    """The contract's headline metrics per trial, each an array of shape (trials,).

    Keys: ``p_no_leak`` (1.0 when no threat leaked), ``expected_leakers`` (threats that
    leaked), ``value_protected``, ``interceptor_cost_usd`` (US dollars of the catalog
    entries' years), ``cost_exchange_ratio`` (interceptor spend ÷ the raid's cost; absent
    when the raid costs nothing), and ``shots_by_nation.<NATION>`` (interceptors fired).
    Their means are the contract's means (output-contract.md).
    """
    from hoplon.core.metrics import trial_metric, trial_shots_by_nation, trial_spend_usd

    waves, outcomes = result.waves, result.outcomes
    spend = trial_spend_usd(waves, outcomes)
    values: dict[str, FloatArray] = {
        name: trial_metric(name, waves, outcomes)
        for name in ("p_no_leak", "expected_leakers", "value_protected")
    }
    values["interceptor_cost_usd"] = spend
    threat_cost = float(sum(float(m.threat_cost_usd.sum()) for m in waves))
    if threat_cost > 0:
        values["cost_exchange_ratio"] = np.asarray(spend / threat_cost, dtype=np.float64)
    for nation, shots in trial_shots_by_nation(waves, outcomes).items():
        values[f"shots_by_nation.{nation}"] = shots
    return values


def draws_aligned(a: Result, b: Result) -> bool:
    """Whether trial ``i`` of ``a`` and of ``b`` used the same random numbers, and no others.

    True when both ran with the same seed and trials, in blocks of the same size (so
    trial ``i`` lies in the same block, with the same key, in both), and every wave
    present in both has the same number of threats (the reliability draws are a (trials,
    threats) matrix; the kill draws are keyed by threat index and slot, one number per
    trial). Then the pairs (a_i, b_i) are independent and identically distributed, and a
    paired test is exact.
    """
    from hoplon.core.engine import block_trials

    if a.outcomes.seed != b.outcomes.seed or a.outcomes.trials != b.outcomes.trials:
        return False

    def block(result: Result) -> int:
        return block_trials(max((m.n_threats for m in result.waves), default=0))

    if block(a) != block(b):
        return False
    return all(wa.n_threats == wb.n_threats for wa, wb in zip(a.waves, b.waves, strict=False))


@dataclass(frozen=True)
class Difference:
    """A difference of means (scenario − baseline) with its 95 % interval and test."""

    diff: float
    low: float
    high: float
    p_value: float
    test: str
    """``paired`` (z test on the per-trial differences) or ``welch`` (unpaired)."""

    @property
    def significant(self) -> bool:
        """Two-sided test at the 5 % level."""
        return self.p_value < ALPHA

    def to_dict(self) -> dict[str, Any]:
        return {
            "diff": _sig(self.diff),
            "ci95": [_sig(self.low), _sig(self.high)],
            "p_value": _sig(self.p_value),
            "significant": self.significant,
            "test": self.test,
        }


#: A difference that cannot be computed (the metric is undefined in one scenario).
_NO_DIFFERENCE: dict[str, Any] = {
    "diff": None,
    "ci95": None,
    "p_value": None,
    "significant": None,
    "test": None,
}


def _sig(x: float) -> float:
    return float(f"{x:.6g}") + 0.0


def _z_difference(diff: float, se: float, test: str) -> Difference:
    if not (math.isfinite(se) and se > 0):
        p = 1.0 if diff == 0 else 0.0
        return Difference(diff, diff, diff, p, test)
    z = diff / se
    p = math.erfc(abs(z) / math.sqrt(2.0))
    return Difference(diff, diff - Z95 * se, diff + Z95 * se, p, test)


def paired_difference(baseline: FloatArray, other: FloatArray) -> Difference:
    """``mean(other − baseline)`` by the paired z test on the per-trial differences.

    ``d_i = other_i − baseline_i``; ``se = sd(d) / sqrt(n)`` (``ddof = 1``); ``z = mean(d)
    / se``; ``p = 2 (1 − Φ(|z|))``; the interval is ``mean(d) ± 1.96 se``. With thousands
    of trials this is the paired t test; on 0/1 values it is asymptotically McNemar's
    test. When every
    ``d_i`` is the same, ``p`` is 1 if that value is 0, else 0.
    """
    a = np.asarray(baseline, dtype=np.float64)
    b = np.asarray(other, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError("a paired test needs two 1-D arrays of the same length, at least 2")
    d = b - a
    se = float(d.std(ddof=1)) / math.sqrt(d.size)
    return _z_difference(float(d.mean()), se, "paired")


def welch_difference(baseline: FloatArray, other: FloatArray) -> Difference:
    """``mean(other) − mean(baseline)`` by the unpaired (Welch) z test.

    ``se = sqrt(s_a² / n_a + s_b² / n_b)`` (``ddof = 1``); ``p = 2 (1 − Φ(|z|))``; the
    interval is ``diff ± 1.96 se``. When both samples are constant, ``p`` is 1 if the
    means are equal, else 0.
    """
    a = np.asarray(baseline, dtype=np.float64)
    b = np.asarray(other, dtype=np.float64)
    if a.ndim != 1 or b.ndim != 1 or a.size < 2 or b.size < 2:
        raise ValueError("a two-sample test needs two 1-D arrays of at least 2 values")
    se = math.sqrt(float(a.var(ddof=1)) / a.size + float(b.var(ddof=1)) / b.size)
    return _z_difference(float(b.mean() - a.mean()), se, "welch")


def _estimate(name: str, values: FloatArray) -> Estimate:
    return proportion_estimate(values) if name == "p_no_leak" else mean_estimate(values)


@dataclass
class Comparison:
    """Several scenarios run with the same seed and trials, each compared with the first."""

    files: list[str]
    results: list[Result]
    seed: int
    trials: int
    metrics: dict[str, list[Estimate | None]] = field(default_factory=dict)
    differences: dict[str, list[Difference | None]] = field(default_factory=dict)
    tests: list[str | None] = field(default_factory=list)
    """Per scenario, the test against the baseline (``None`` for the baseline)."""

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON data (see docs/studies.md)."""
        return {
            "contract": 1,
            "hoplon_version": __version__,
            "seed": self.seed,
            "trials": self.trials,
            "baseline": 0,
            "scenarios": [
                {
                    "name": r.scenario.spec.name,
                    "file": f,
                    "sha256": r.scenario.sha256,
                    "test": t,
                }
                for f, r, t in zip(self.files, self.results, self.tests, strict=True)
            ],
            "metrics": {
                m: [None if e is None else e.to_dict() for e in ests]
                for m, ests in self.metrics.items()
            },
            "differences": {
                m: [
                    {"scenario": i, **(d.to_dict() if d is not None else _NO_DIFFERENCE)}
                    for i, d in enumerate(diffs[1:], start=1)
                ]
                for m, diffs in self.differences.items()
            },
        }


def compare_results(files: Sequence[str], results: Sequence[Result]) -> Comparison:
    """Estimates and tested differences from the first result, for results already run.

    All results must have the same seed and number of trials.
    """
    if len(results) < 2:
        raise ValueError("a comparison needs at least two results")
    seeds = {r.outcomes.seed for r in results}
    trials = {r.outcomes.trials for r in results}
    if len(seeds) != 1 or len(trials) != 1:
        raise ValueError("compared results must share one seed and one number of trials")
    values = [trial_values(r) for r in results]
    names = list(COMPARE_METRICS)
    for v in values:
        names += [k for k in v if k.startswith("shots_by_nation.") and k not in names]
    base = results[0]
    tests: list[str | None] = [None] + [
        "paired" if draws_aligned(base, r) else "welch" for r in results[1:]
    ]
    n = base.outcomes.trials
    comp = Comparison(list(files), list(results), base.outcomes.seed, n, tests=tests)
    for name in names:
        series: list[FloatArray | None] = []
        for v in values:
            if name in v:
                series.append(v[name])
            elif name.startswith("shots_by_nation."):
                series.append(np.zeros(n))  # that nation fields nothing in this scenario
            else:
                series.append(None)
        comp.metrics[name] = [None if s is None else _estimate(name, s) for s in series]
        diffs: list[Difference | None] = [None]
        for s, test in zip(series[1:], tests[1:], strict=True):
            if s is None or series[0] is None:
                diffs.append(None)
            elif test == "paired":
                diffs.append(paired_difference(series[0], s))
            else:
                diffs.append(welch_difference(series[0], s))
        comp.differences[name] = diffs
    return comp


def compare(
    files: Sequence[str | Path],
    *,
    trials: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    on_result: Callable[[int, Result], None] | None = None,
) -> Comparison:
    """Run every scenario with the same seed and trials and compare each with the first.

    Args:
        files: two or more scenario files; the first is the baseline.
        trials: trials per scenario (default: the first scenario's).
        seed: the seed (default: the first scenario's).
        workers: processes for each run's trials (``None``: every core).
        progress: called with the number of trials finished.
        on_result: called with (index, result) after each run (e.g. to store it).

    Raises:
        InputError: fewer than two files, or a scenario that does not validate.
    """
    from hoplon.api import load

    if len(files) < 2:
        raise InputError.single("compare needs two or more scenario files", field="FILES")
    scenarios = [load(f) for f in files]  # every file is checked before anything runs
    n = scenarios[0].spec.trials if trials is None else trials
    s = scenarios[0].spec.seed if seed is None else seed
    if n < 2:
        raise InputError.single(
            f"a comparison needs at least 2 trials per scenario to test differences (got {n})",
            field="--trials",
        )
    results = []
    for i, scenario in enumerate(scenarios):
        result = scenario.run(trials=n, seed=s, workers=workers, progress=progress)
        if on_result is not None:
            on_result(i, result)
        results.append(result)
    return compare_results([str(f) for f in files], results)


# ============================================================================== sweep


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep's grid."""

    index: int
    overrides: dict[str, Any]
    """Canonical path -> value, in the order of the ``--set`` options."""
    seed: int
    trials: int
    key: str
    """The results store's key of this point (:func:`hoplon.store.point_key`)."""
    scenario_sha256: str
    """The digest of the point's scenario (:func:`hoplon.store.scenario_digest`)."""


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the base scenario, the grid and each point's key."""

    file: str
    scenario: str
    sha256: str
    raw: dict[str, Any]
    sets: tuple[SetSpec, ...]
    seed: int
    trials: int
    points: tuple[SweepPoint, ...]
    study_id: str
    #: Estimated peak memory of the largest point (one process), from hoplon.memory.
    memory_estimate: MemoryEstimate | None = None

    def definition(self) -> dict[str, Any]:
        """What identifies the study: kind, base file hash, grid, seed and trials."""
        return _sweep_definition(self.sha256, self.sets, self.seed, self.trials)


def _sweep_definition(
    sha256: str, sets: Sequence[SetSpec], seed: int, trials: int
) -> dict[str, Any]:
    return {
        "kind": "sweep",
        "sha256": sha256,
        "set": [[s.path, list(s.values)] for s in sets],
        "seed": seed,
        "trials": trials,
    }


def _point_error(exc: InputError, overrides: Mapping[str, Any], file: str) -> InputError:
    """Re-word a point's validation problems: they come from its --set values."""
    named = " ".join(f"--set {p}={show_value(v)}" for p, v in overrides.items())
    problems = [
        Problem(f"{p.field}: {p.message}" if p.field else p.message, named) for p in exc.problems
    ]
    return InputError(problems, file)


def plan_sweep(
    file: str | Path,
    sets: Sequence[str | SetSpec],
    *,
    trials: int | None = None,
    seed: int | None = None,
) -> SweepPlan:
    """Parse the ``--set`` options, expand the grid and validate every point.

    A point's seed and trials are its own ``seed``/``trials`` override when the sweep
    sets them, else ``seed``/``trials`` given here, else the scenario file's.

    Raises:
        InputError: the file does not validate; a ``--set`` is malformed, addresses no
            field, or gives a value the scenario refuses (naming the ``--set`` and what
            is accepted).
    """
    from hoplon.scenario.loader import load_data
    from hoplon.scenario.yamlio import parse_yaml, read_text
    from hoplon.store import point_key, scenario_digest, study_id

    path = Path(file)
    name = str(file)
    data, text = read_text(path)
    raw, positions = parse_yaml(text, name)
    base = load_data(raw, name, positions, data)
    try:
        specs = [s if isinstance(s, SetSpec) else parse_set(s) for s in sets]
        if not specs:
            raise InputError.single(
                "give at least one --set PATH=VALUES, e.g. --set threats[0].count=1..40",
                field="--set",
            )
        grid = expand_grid(specs)
        check_distinct_fields(raw, specs)
    except InputError as exc:
        raise InputError(exc.problems, name) from None
    base_seed = base.spec.seed if seed is None else seed
    base_trials = base.spec.trials if trials is None else trials
    points = []
    largest: MemoryEstimate | None = None
    for i, overrides in enumerate(grid):
        try:
            point_raw = apply_overrides(raw, overrides)
        except OverrideError as exc:
            culprit = next((s for s in specs if str(exc).startswith(s.path + ": ")), None)
            option = culprit.option if culprit else ", ".join(s.option for s in specs)
            message = str(exc).removeprefix(culprit.path + ": ") if culprit else str(exc)
            raise InputError.single(message, file=name, field=f"--set {option}") from None
        try:
            loaded = load_data(point_raw, name)
        except InputError as exc:
            raise _point_error(exc, overrides, name) from None
        p_seed = loaded.spec.seed if "seed" in overrides else base_seed
        p_trials = loaded.spec.trials if "trials" in overrides else base_trials
        est = memory.estimate(loaded, p_trials, workers=1)
        if largest is None or est.total > largest.total:
            largest = est
        digest = scenario_digest(loaded)
        key = point_key(digest, p_seed, p_trials)
        points.append(SweepPoint(i, overrides, p_seed, p_trials, key, digest))
    definition = _sweep_definition(base.sha256, specs, base_seed, base_trials)
    return SweepPlan(
        file=name,
        scenario=base.spec.name,
        sha256=base.sha256,
        raw=raw,
        sets=tuple(specs),
        seed=base_seed,
        trials=base_trials,
        points=tuple(points),
        study_id=study_id(definition),
        memory_estimate=largest,
    )


@dataclass(frozen=True)
class PointTask:
    """What a worker needs to run one point: plain data, cheap to send anywhere."""

    raw: dict[str, Any]
    file: str
    overrides: dict[str, Any]
    seed: int
    trials: int


def run_point(task: PointTask) -> dict[str, Any]:
    """Run one sweep point (in a worker): apply the overrides, validate, run, to JSON.

    Each point runs its trials in one process (parallelism is across points). The
    result depends only on the scenario, seed and trials, never on where it runs.
    """
    from hoplon.api import Scenario
    from hoplon.scenario.loader import load_data

    start = time.perf_counter()
    try:
        loaded = load_data(apply_overrides(task.raw, task.overrides), task.file)
        result = Scenario(loaded).run(trials=task.trials, seed=task.seed, workers=1).to_dict()
    except InputError as exc:  # e.g. geometry refused (waves that overlap): name the --set
        raise _point_error(exc, task.overrides, task.file) from None
    result["timing"]["wall_s"] = round(time.perf_counter() - start, 4)
    return result


@dataclass(frozen=True)
class PointOutcome:
    """A sweep point's figures: computed now, or read back from the store (resumed)."""

    point: SweepPoint
    metrics: dict[str, Any]
    timing: dict[str, Any]
    resumed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.point.index,
            "key": self.point.key,
            "overrides": self.point.overrides,
            "seed": self.point.seed,
            "trials": self.point.trials,
            "metrics": self.metrics,
            "timing": self.timing,
            "resumed": self.resumed,
        }


@dataclass(frozen=True)
class SweepResult:
    """Every point of a sweep, in grid order."""

    plan: SweepPlan
    points: list[PointOutcome]
    store: str | None
    computed: int
    resumed: int
    wall_s: float
    executor: str

    def to_dict(self) -> dict[str, Any]:
        """The sweep as JSON data (see docs/studies.md)."""
        plan = self.plan
        return {
            "contract": 1,
            "hoplon_version": __version__,
            "sweep": {
                "file": plan.file,
                "scenario": plan.scenario,
                "sha256": plan.sha256,
                "set": {s.path: list(s.values) for s in plan.sets},
                "seed": plan.seed,
                "trials": plan.trials,
                "study_id": plan.study_id,
                "store": self.store,
                "executor": self.executor,
                "computed": self.computed,
                "resumed": self.resumed,
                "wall_s": round(self.wall_s, 3),
            },
            "points": [p.to_dict() for p in self.points],
        }


def _kept(stored: int, total: int) -> str:
    return (
        f"{stored} of {total} points are stored and kept; when it can be written again, "
        "run the same sweep with --resume to compute the others"
    )


def run_sweep(
    plan: SweepPlan,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    store: str | Path | ResultStore | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run a sweep's points and write each to the store as it finishes.

    Args:
        plan: from :func:`plan_sweep`.
        workers: local processes, one point each (default: every core).
        cluster: a Dask scheduler address; points then run there, one task each.
        store: the results store folder (``None``: nothing is written).
        resume: skip the points whose key is already in the store; their figures are
            read back from it.
        progress: called with 1 as each point finishes.
        on_start: called with (points to compute, points resumed) before running.

    Raises:
        InputError: ``resume`` without a store; an unreachable cluster.
    """
    from hoplon.core.runner import default_workers
    from hoplon.store import ResultStore, StoreWriteError, point_row

    start = time.perf_counter()
    n_workers = default_workers() if workers is None else max(1, workers)
    if cluster is None and plan.memory_estimate is not None:  # refuse before any point runs
        memory.enforce(
            plan.memory_estimate,
            plan.file,
            field="--trials",
            parallel=min(n_workers, len(plan.points)),
            what="this sweep (its largest point)",
        )
    db: ResultStore | None
    db = store if isinstance(store, ResultStore) or store is None else ResultStore(store)
    if resume and db is None:
        raise InputError.single(
            "--resume reads the results store; give --store DIR", field="--resume"
        )
    if workers is not None and workers > MAX_WORKERS:
        raise InputError.single(
            f"at most {MAX_WORKERS} processes (got {workers}); more than the cores only "
            "adds memory",
            field="--workers",
        )
    first_of: dict[str, SweepPoint] = {}
    for p in plan.points:
        first_of.setdefault(p.key, p)
    figures: dict[str, tuple[dict[str, Any], dict[str, Any], bool]] = {}
    total = len(first_of)
    if db is not None:
        db.prepare()
        if resume:  # each stored point is verified; a damaged one is quarantined and rerun
            for key in first_of:
                stored = db.load_point(key)
                if stored is not None:
                    figures[key] = (stored.metrics, stored.timing, True)
        try:
            db.write_study(
                plan.study_id,
                "sweep",
                plan.definition(),
                [(p.key, p.overrides) for p in plan.points],
            )
        except StoreWriteError as exc:
            raise exc.kept(_kept(len(figures), total)) from None
    todo = [p for key, p in first_of.items() if key not in figures]
    resumed_keys = [key for key in first_of if key in figures]
    if on_start is not None:
        on_start(len(todo), len(resumed_keys))
    tasks = [PointTask(plan.raw, plan.file, p.overrides, p.seed, p.trials) for p in todo]
    for j, result in map_points(run_point, tasks, n_workers, cluster, progress):
        p = todo[j]
        if db is not None:
            try:
                db.write_point(
                    point_row(
                        result,
                        key=p.key,
                        study=plan.study_id,
                        kind="sweep",
                        point=p.index,
                        file=plan.file,
                        base_sha256=plan.sha256,
                        scenario_sha256=p.scenario_sha256,
                        overrides=p.overrides,
                    )
                )
            except StoreWriteError as exc:
                raise exc.kept(_kept(len(figures), total)) from None
        figures[p.key] = (result["metrics"], result["timing"], False)
    outcomes = [PointOutcome(p, *figures[p.key]) for p in plan.points]
    return SweepResult(
        plan=plan,
        points=outcomes,
        store=None if db is None else str(db.root),
        computed=len(todo),
        resumed=len(resumed_keys),
        wall_s=time.perf_counter() - start,
        executor=f"dask {cluster}"
        if cluster
        else f"local, {min(n_workers, max(1, len(todo)))} process(es)",
    )


def sweep(
    file: str | Path,
    sets: Sequence[str],
    *,
    trials: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Plan and run a sweep in one call (:func:`plan_sweep` then :func:`run_sweep`)."""
    plan = plan_sweep(file, sets, trials=trials, seed=seed)
    return run_sweep(
        plan, workers=workers, cluster=cluster, store=store, resume=resume, progress=progress
    )
