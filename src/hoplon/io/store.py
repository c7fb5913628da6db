"""The results store: one Parquet file per computed point, queried with DuckDB.

Layout of a store folder (default ``./hoplon-results``)::

    hoplon-results/
      points/<key>.parquet      one row: a run, a compared scenario or a sweep point
      studies/<study>.parquet   one row per point a study asked for (study id, point, key)

A point's ``key`` is the SHA-256 of what determines its figures (the scenario as run,
overrides applied, with its catalog; the seed; the number of trials; the Hoplon version
and the result contract), so the file name says what was computed: the same computation
always lands in the same file, and the store never holds it twice. A study's manifest records
which points it asked for, in order, so a study can be read back whole even when some
of its points were computed by an earlier study.

Every write is atomic (:mod:`hoplon.io.outfile`): the table is written to a new hidden
temporary file in the same folder (``O_EXCL``, never through a link), flushed and
``fsync``-ed, then renamed over the final name with :func:`os.replace`, and the folder is
``fsync``-ed. A process killed at any moment leaves either the old file, the new file, or
no file, plus at worst a hidden temporary file that the next writer removes; readers
never see a partial file.

Every file carries a checksum: the SHA-256 of the whole file (with the checksum's own
64 hex digits written as zeros), recorded in the Parquet footer together with the
store's format number and the file's name (``hoplon.checksum``). Readers check it
before they use a file: a truncated, empty, damaged or foreign file, a file of another
format or one copied under another name is never read as data. Commands that write to
the store move such a file to ``quarantine/`` with a one-line warning (``sweep --resume``
then computes that point again); ``hoplon results``, which never writes, skips it with a
warning; ``hoplon store check`` lists them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from hoplon._version import __version__
from hoplon.errors import InputError, Problem, StoreWriteError
from hoplon.io.outfile import UnsafeTarget, write_bytes_atomic
from hoplon.results.contract import CONTRACT, STORED
from hoplon.results.keys import canonical_json, point_key, scenario_digest, study_id

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.results.records import Result

#: Store folder used when none is given.
DEFAULT_STORE = Path("hoplon-results")
#: Version of the store's files (their schemas and checksum); a file of another format
#: is foreign to this Hoplon.
STORE_FORMAT = 2
#: Largest file the store reads (a point is a few KB; a manifest of 100,000 points ~10 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Files named one by one in the warnings of a query; the rest are counted on one line.
MAX_WARNINGS = 5
#: Most rows ``hoplon results`` hands back unless told otherwise (``--max-rows``).
MAX_ROWS = 10_000
#: Highest ``--max-rows`` accepted.
MAX_ROWS_LIMIT = 1_000_000
#: Memory DuckDB may use for a query of ``hoplon results``.
QUERY_MEMORY = "2GB"

#: Headline metrics flattened into columns (mean, and the 95 % bounds where present).
HEADLINE = STORED

_HEADLINE_FIELDS: list[pa.Field] = []
for _name in HEADLINE:
    _HEADLINE_FIELDS.append(pa.field(_name, pa.float64()))
    _HEADLINE_FIELDS += [pa.field(f"{_name}_low", pa.float64())]
    _HEADLINE_FIELDS += [pa.field(f"{_name}_high", pa.float64())]

#: Columns of ``points/<key>.parquet`` (the ``results`` view).
POINT_SCHEMA = pa.schema(
    [
        pa.field("key", pa.string()),
        pa.field("study_id", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("point", pa.int64()),
        pa.field("created_at", pa.timestamp("us")),
        pa.field("scenario", pa.string()),
        pa.field("file", pa.string()),
        pa.field("sha256", pa.string()),
        pa.field("scenario_sha256", pa.string()),
        pa.field("seed", pa.int64()),
        pa.field("trials", pa.int64()),
        pa.field("overrides", pa.string()),
        *_HEADLINE_FIELDS,
        pa.field("metrics", pa.string()),
        pa.field("threats", pa.string()),
        pa.field("compile_s", pa.float64()),
        pa.field("engine_s", pa.float64()),
        pa.field("trials_per_s", pa.float64()),
        pa.field("workers", pa.int64()),
        pa.field("hoplon_version", pa.string()),
        pa.field("contract", pa.int64()),
    ]
)

#: Columns of ``studies/<study>.parquet`` (the ``studies`` view).
STUDY_SCHEMA = pa.schema(
    [
        pa.field("study_id", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("created_at", pa.timestamp("us")),
        pa.field("definition", pa.string()),
        pa.field("point", pa.int64()),
        pa.field("key", pa.string()),
        pa.field("overrides", pa.string()),
    ]
)

#: The query ``hoplon results`` runs when given none: the latest 20 points.
DEFAULT_QUERY = """\
SELECT strftime(created_at, '%m-%d %H:%M') AS "created (UTC)", kind, scenario, overrides,
       trials, round(p_no_leak, 4) AS "P(no leak)", round(expected_leakers, 3) AS leakers,
       round(value_protected, 4) AS "value prot.", round(interceptor_cost_usd / 1e6, 1) AS "spend $M",
       round(cost_exchange_ratio, 3) AS "cost-exch."
FROM results ORDER BY created_at DESC, study_id, point LIMIT 20"""

_KEY = re.compile(r"^[0-9a-f]{16,64}$")
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")


def _now() -> dt.datetime:
    # Naive UTC: DuckDB needs pytz to hand back time-zone-aware values.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


#: The footer entry that holds a file's checksum.
CHECKSUM_KEY = "hoplon.checksum"
_ZEROS = "0" * 64
_SEAL = re.compile(rb"hoplon-store/(?P<format>\d+) (?P<name>[^ ]+) sha256=(?P<digest>[0-9a-f]{64})")


def _seal(name: str, digest: str) -> str:
    return f"hoplon-store/{STORE_FORMAT} {name} sha256={digest}"


def sealed_parquet(table: pa.Table, name: str) -> bytes:
    """``table`` as the bytes of a Parquet file that carries its own checksum.

    The footer entry ``hoplon.checksum`` reads ``hoplon-store/<format> <name>
    sha256=<digest>``: ``digest`` is the SHA-256 of the whole file with those 64 hex
    digits written as zeros, so a change to any byte (data, footer or the checksum
    itself) is detected, and a file copied under another name is recognised.
    """
    if " " in name:
        raise ValueError(f"a store file name has no spaces: {name!r}")
    placeholder = _seal(name, _ZEROS).encode("ascii")
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, table.schema) as writer:
        writer.write_table(table)
        writer.add_key_value_metadata({CHECKSUM_KEY: placeholder.decode("ascii")})
    data = sink.getvalue().to_pybytes()
    if data.count(placeholder) != 1:  # pragma: no cover - the footer holds it once
        raise RuntimeError("the checksum placeholder is not unique in the Parquet file")
    digest = hashlib.sha256(data).hexdigest()
    return data.replace(placeholder, _seal(name, digest).encode("ascii"))


def seal_problem(data: bytes, name: str) -> str | None:
    """Why ``data`` is not an intact store file named ``name``, or None when it is."""
    if not data:
        return "empty file (0 bytes)"
    if len(data) < 12 or data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        return "not a whole Parquet file (truncated, or overwritten by something else)"
    at = data.rfind(b"hoplon-store/")
    match = _SEAL.match(data, at) if at >= 0 else None
    if match is None:
        return "no Hoplon checksum (a file of another program or of an older Hoplon)"
    if int(match["format"]) != STORE_FORMAT:
        return f"store format {int(match['format'])}; this Hoplon reads format {STORE_FORMAT}"
    blank = data[: match.start("digest")] + _ZEROS.encode() + data[match.end("digest") :]
    if hashlib.sha256(blank).hexdigest().encode() != match["digest"]:
        return "checksum mismatch: the file changed after it was written"
    written = match["name"].decode("utf-8", "replace")
    if written != name:
        return f"a copy of {written} under another name"
    return None


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` as a checksummed Parquet file at ``path``; no reader ever sees a
    partial file (:func:`hoplon.io.outfile.write_bytes_atomic`).

    Raises:
        OSError: the write failed; ``path`` is unchanged and no temporary file is left.
    """
    data = sealed_parquet(table, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, data)


def _read_file(path: Path) -> bytes:
    """A store file's bytes: a regular file only (never through a link), at most
    :data:`MAX_FILE_BYTES`."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"not a regular file: {path}")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Damage:
    """A store file that is not read as data, and why."""

    path: Path
    reason: str
    kind: str = "corrupt"
    """``corrupt`` (damaged, truncated, empty), ``foreign`` (not a store file of this
    format) or ``duplicate`` (a copy of another point under another name)."""


def _classify(reason: str) -> str:
    if reason.startswith("a copy of"):
        return "duplicate"
    if reason.startswith(("no Hoplon checksum", "store format", "another schema", "not a regular")):
        return "foreign"
    return "corrupt"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def point_row(
    result: Mapping[str, Any],
    *,
    key: str,
    study: str,
    kind: str,
    point: int,
    file: str | None,
    base_sha256: str,
    scenario_sha256: str,
    overrides: Mapping[str, Any],
    created_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """One row of the ``results`` table from a JSON result (output-contract.md).

    ``base_sha256`` is the hash of the scenario file's bytes; ``scenario_sha256`` the
    :func:`scenario_digest` of the scenario as run (with the overrides).
    """
    metrics = result["metrics"]
    timing = result.get("timing", {})
    row: dict[str, Any] = {
        "key": key,
        "study_id": study,
        "kind": kind,
        "point": int(point),
        "created_at": created_at or _now(),
        "scenario": result["scenario"]["name"],
        "file": file,
        "sha256": base_sha256,
        "scenario_sha256": scenario_sha256,
        "seed": int(result["seed"]),
        "trials": int(result["trials"]),
        "overrides": canonical_json(dict(overrides)),
        "metrics": canonical_json(metrics),
        "threats": canonical_json(result.get("threats", [])),
        "compile_s": _number(timing.get("compile_s")),
        "engine_s": _number(timing.get("engine_s")),
        "trials_per_s": _number(timing.get("trials_per_s")),
        "workers": timing.get("workers"),
        "hoplon_version": result.get("hoplon_version", __version__),
        "contract": int(result.get("contract", CONTRACT)),
    }
    for name in HEADLINE:
        est = metrics.get(name) or {}
        row[name] = _number(est.get("mean"))
        low, high = est.get("ci95", (None, None))
        row[f"{name}_low"] = _number(low)
        row[f"{name}_high"] = _number(high)
    return row


@dataclass(frozen=True)
class StoredPoint:
    """A point read back from the store: its key, overrides, metrics and timing."""

    key: str
    study_id: str
    kind: str
    point: int
    scenario: str
    seed: int
    trials: int
    overrides: dict[str, Any]
    metrics: dict[str, Any]
    timing: dict[str, Any]
    created_at: dt.datetime


def _stderr_warning(line: str) -> None:
    sys.stderr.write(f"warning: {line}\n")
    sys.stderr.flush()


@dataclass
class CheckReport:
    """What ``hoplon store check`` found (and, with ``repair``, did)."""

    checked: int = 0
    damaged: list[Damage] = field(default_factory=list)
    orphaned: list[Path] = field(default_factory=list)
    """Intact points no manifest lists (a manifest was lost)."""
    temporaries: list[Path] = field(default_factory=list)
    """Temporary files of writers no longer running."""
    incomplete: list[tuple[str, int, int, str]] = field(default_factory=list)
    """(study, points stored, points asked for, the study's kind) of studies not finished
    (not a finding)."""
    actions: list[str] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return len(self.damaged) + len(self.orphaned) + len(self.temporaries)


class ResultStore:
    """A store folder: write points and study manifests, find keys, run SQL over them.

    ``warn`` receives each one-line warning (a file quarantined or skipped); by default
    it is printed on standard error.
    """

    def __init__(
        self, root: str | Path = DEFAULT_STORE, *, warn: Callable[[str], None] | None = None
    ) -> None:
        self.root = Path(root)
        self.points_dir = self.root / "points"
        self.studies_dir = self.root / "studies"
        self.quarantine_dir = self.root / "quarantine"
        self.warn = warn or _stderr_warning

    def __repr__(self) -> str:
        return f"ResultStore({str(self.root)!r})"

    # ------------------------------------------------------------------ writing

    def prepare(self) -> None:
        """Create the folders, and remove temporary files left by killed writers."""
        if self.root.exists() and not self.root.is_dir():
            raise InputError.single(
                "this is a file; --store takes a folder (created if missing)",
                file=str(self.root),
                field="store",
            )
        try:
            self.points_dir.mkdir(parents=True, exist_ok=True)
            self.studies_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError.from_os(
                exc, "create the results store", file=self.root, field="store"
            ) from None
        self.remove_stale_temporaries()

    def ensure_writable(self) -> None:
        """Refuse now, before any work is done, a store that could not take a result:
        create its folders, then write and remove an empty file in each (a read-only or
        full store is found here, not after a long run)."""
        self.prepare()
        for folder in (self.points_dir, self.studies_dir):
            # named as a temporary file: one a kill left behind is removed as stale
            probe = folder / f".probe.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            try:
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                with contextlib.suppress(OSError):
                    probe.unlink()
                raise self.write_error(exc, "results") from None

    def stale_temporaries(self) -> list[Path]:
        """The temporary files of writers that are no longer running."""
        found = []
        for folder in (self.points_dir, self.studies_dir):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                match = _TEMP.match(path.name)
                if match and not _pid_alive(int(match["pid"])):
                    found.append(path)
        return found

    def remove_stale_temporaries(self) -> list[Path]:
        """Delete the temporary files of writers that are no longer running."""
        removed = []
        for path in self.stale_temporaries():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
        return removed

    def write_error(self, exc: OSError, what: str) -> StoreWriteError:
        """The exit-2 refusal for a failed write: names the store and the reason."""
        error = StoreWriteError.from_os(
            exc,
            f"write {what} to the results store",
            file=self.root,
            field="store",
            then="nothing half-written is left in it",
        )
        assert isinstance(error, StoreWriteError)
        return error

    def _write(self, table: pa.Table, path: Path, what: str) -> None:
        try:
            write_atomic(table, path)
        except UnsafeTarget as exc:
            problem = Problem(f"{path.name}: {exc.strerror}", "store")
            raise StoreWriteError(problem, str(self.root)) from None
        except OSError as exc:
            raise self.write_error(exc, what) from None

    def write_point(self, row: Mapping[str, Any]) -> Path:
        """Write one point (a :func:`point_row`) as ``points/<key>.parquet``, atomically.

        A point already stored under the same key is replaced: same key, same figures.

        Raises:
            StoreWriteError: the store refused the write (disk full, read-only).
        """
        key = str(row["key"])
        if not _KEY.match(key):
            raise ValueError(f"not a point key: {key!r}")
        table = pa.Table.from_pylist([dict(row)], schema=POINT_SCHEMA)
        path = self.points_dir / f"{key}.parquet"
        self._write(table, path, f"the point {key[:16]}")
        return path

    def record_point(self, result: Mapping[str, Any], **meta: Any) -> Path:
        """Write a JSON result as one point: :func:`point_row` of ``result`` and ``meta``
        (``key``, ``study``, ``kind``, ``point``, ``file``, ``base_sha256``,
        ``scenario_sha256``, ``overrides``), then :meth:`write_point`."""
        return self.write_point(point_row(result, **meta))

    def write_study(
        self,
        study: str,
        kind: str,
        definition: Mapping[str, Any],
        points: Sequence[tuple[str, Mapping[str, Any]]],
        created_at: dt.datetime | None = None,
    ) -> Path:
        """Write a study's manifest: its definition and the (key, overrides) of each point.

        Raises:
            StoreWriteError: the store refused the write (disk full, read-only).
        """
        created = created_at or _now()
        previous = self.studies_dir / f"{study}.parquet"
        if created_at is None and previous.exists():  # a resumed study keeps its start
            table = self.load_file(previous, STUDY_SCHEMA)
            if table is not None and table.num_rows:
                created = table.column("created_at")[0].as_py()
        rows = [
            {
                "study_id": study,
                "kind": kind,
                "created_at": created,
                "definition": canonical_json(dict(definition)),
                "point": i,
                "key": key,
                "overrides": canonical_json(dict(overrides)),
            }
            for i, (key, overrides) in enumerate(points)
        ]
        table = pa.Table.from_pylist(rows, schema=STUDY_SCHEMA)
        self._write(table, previous, f"the manifest of study {study}")
        return previous

    # ------------------------------------------------------------------ checking

    def inspect(self, path: Path, schema: pa.Schema) -> tuple[pa.Table | None, str | None]:
        """Read and verify one store file: (its table, None) or (None, why it is refused)."""
        try:
            data = _read_file(path)
        except FileNotFoundError:
            return None, "missing"
        except OSError as exc:
            return None, f"not a regular file or unreadable ({exc.strerror or exc})"
        problem = seal_problem(data, path.name)
        if problem:
            return None, problem
        try:
            table = pq.read_table(pa.BufferReader(data))
        except Exception as exc:  # a sealed file that pyarrow cannot read: damaged
            return None, f"unreadable Parquet ({type(exc).__name__})"
        if not table.schema.equals(schema, check_metadata=False):
            return None, "another schema than this Hoplon's store"
        if schema is POINT_SCHEMA and (
            table.num_rows != 1 or f"{table.column('key')[0].as_py()}.parquet" != path.name
        ):
            return None, "another schema than this Hoplon's store (not one point)"
        return table, None

    def quarantine(self, path: Path, reason: str, *, then: str = "") -> Path | None:
        """Move a damaged or foreign file to ``quarantine/``, with a one-line warning.

        Returns the new path, or None when it could not be moved (then it is only skipped).
        """
        stamp = _now().strftime("%Y%m%dT%H%M%S")
        dest = self.quarantine_dir / f"{stamp}-{path.parent.name}-{path.name}"
        try:
            self.quarantine_dir.mkdir(exist_ok=True)
            n = 1
            while dest.exists():
                n += 1
                dest = self.quarantine_dir / f"{stamp}-{n}-{path.parent.name}-{path.name}"
            os.replace(path, dest)
        except OSError as exc:
            self.warn(
                f"{path}: {reason}; not read as data (it could not be moved to quarantine: "
                f"{exc.strerror or exc}){then}"
            )
            return None
        self.warn(f"{path}: {reason}; moved to {dest}, not read as data{then}")
        return dest

    def load_file(self, path: Path, schema: pa.Schema, *, then: str = "") -> pa.Table | None:
        """A verified store file's table; None when it is missing, or when it is damaged
        or foreign (it is then moved to ``quarantine/`` with a warning)."""
        table, problem = self.inspect(path, schema)
        if problem is None:
            return table
        if problem != "missing":
            self.quarantine(path, problem, then=then)
        return None

    def load_point(self, key: str) -> StoredPoint | None:
        """A stored point, verified; None when it is not stored or was refused (moved to
        ``quarantine/`` with a warning, so that it is computed again)."""
        table = self.load_file(
            self.points_dir / f"{key}.parquet", POINT_SCHEMA, then="; it will be computed again"
        )
        return None if table is None else _stored_point(table.to_pylist()[0])

    def check(self, repair: bool = False) -> CheckReport:
        """Verify every file of the store (``hoplon store check``).

        Finds damaged, foreign and duplicate files, intact points no manifest lists
        (orphaned) and temporary files of dead writers. With ``repair``: damaged,
        foreign and duplicate files are moved to ``quarantine/``, temporaries removed,
        and the manifest of each study with orphaned points rebuilt from them.
        """
        report = CheckReport()
        tables: dict[str, pa.Table] = {}
        manifests: dict[str, pa.Table] = {}
        for folder, schema, into in (
            (self.points_dir, POINT_SCHEMA, tables),
            (self.studies_dir, STUDY_SCHEMA, manifests),
        ):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.name.startswith(".") or not path.name.endswith(".parquet"):
                    continue
                report.checked += 1
                table, problem = self.inspect(path, schema)
                if problem is not None:
                    report.damaged.append(Damage(path, problem, _classify(problem)))
                    continue
                assert table is not None
                into[path.name[: -len(".parquet")]] = table
        listed: set[str] = set()
        for study, manifest in manifests.items():
            keys = manifest.column("key").to_pylist()
            listed.update(keys)
            stored = sum(1 for k in set(keys) if k in tables)
            if stored < len(set(keys)):
                kinds = manifest.column("kind").to_pylist()
                kind = str(kinds[0]) if kinds else "sweep"
                report.incomplete.append((study, stored, len(set(keys)), kind))
        report.orphaned = [
            self.points_dir / f"{k}.parquet" for k in sorted(tables) if k not in listed
        ]
        report.temporaries = self.stale_temporaries()
        if not repair:
            return report
        for damage in report.damaged:
            dest = self.quarantine(damage.path, damage.reason)
            if dest is not None:
                report.actions.append(f"moved {damage.path} to {dest}")
        for path in self.remove_stale_temporaries():
            report.actions.append(f"removed the temporary file {path}")
        by_study: dict[str, list[dict[str, Any]]] = {}
        for path in report.orphaned:
            row = tables[path.name[: -len(".parquet")]].to_pylist()[0]
            by_study.setdefault(row["study_id"], []).append(row)
        for study, rows in sorted(by_study.items()):
            self._rebuild_manifest(study, rows, manifests.get(study))
            report.actions.append(
                f"rebuilt the manifest of study {study} ({len(rows)} orphaned point(s))"
            )
        return report

    def _rebuild_manifest(
        self, study: str, rows: list[dict[str, Any]], existing: pa.Table | None
    ) -> None:
        """A study's manifest from its intact manifest (if any) and its orphaned points."""
        entries: dict[int, tuple[str, dict[str, Any]]] = {}
        kind = rows[0]["kind"]
        created = min(r["created_at"] for r in rows)
        definition: dict[str, Any] = {"kind": kind, "rebuilt_from_points": True}
        if existing is not None and existing.num_rows:
            old = existing.to_pylist()
            kind, created = old[0]["kind"], old[0]["created_at"]
            definition = json.loads(old[0]["definition"])
            for r in old:
                entries[int(r["point"])] = (r["key"], json.loads(r["overrides"]))
        for r in rows:
            entries.setdefault(int(r["point"]), (r["key"], json.loads(r["overrides"])))
        ordered = [entries[i] for i in sorted(entries)]
        self.write_study(study, kind, definition, ordered, created_at=created)

    # ------------------------------------------------------------------ reading

    def keys(self) -> set[str]:
        """The keys of every point file in the store (from the file names; no file is
        read, so a damaged file counts: :meth:`load_point` verifies)."""
        if not self.points_dir.is_dir():
            return set()
        return {
            p.name[: -len(".parquet")]
            for p in self.points_dir.iterdir()
            if p.name.endswith(".parquet") and not p.name.startswith(".")
        }

    def read_point(self, key: str) -> StoredPoint:
        """Read one stored point back, verified.

        Raises:
            KeyError: it is not stored, or its file is damaged or foreign (never read).
        """
        path = self.points_dir / f"{key}.parquet"
        table, problem = self.inspect(path, POINT_SCHEMA)
        if table is None:
            raise KeyError(f"{path}: {problem}")
        return _stored_point(table.to_pylist()[0])

    def verified_files(self, folder: Path, schema: pa.Schema) -> list[str]:
        """The intact files of a folder of the store; each refused one is skipped with a
        warning (the first :data:`MAX_WARNINGS`, then one line for the rest; nothing is
        moved: reading never writes).

        Raises:
            InputError: the folder cannot be listed.
        """
        good: list[str] = []
        if not folder.is_dir():
            return good
        try:
            paths = sorted(folder.iterdir())
        except OSError as exc:
            raise InputError.from_os(
                exc, "read the results store", file=folder, field="store"
            ) from None
        skipped = 0
        for path in paths:
            if path.name.startswith(".") or not path.name.endswith(".parquet"):
                continue
            _, problem = self.inspect(path, schema)
            if problem is None:
                good.append(str(path))
            elif problem != "missing":
                skipped += 1
                if skipped <= MAX_WARNINGS:
                    self.warn(
                        f"{path}: {problem}; skipped, not read as data (`hoplon store check "
                        f"--repair --store {self.root}` moves it to quarantine)"
                    )
        if skipped > MAX_WARNINGS:
            self.warn(
                f"{folder}: {skipped - MAX_WARNINGS} more file(s) skipped, not read as data "
                f"(`hoplon store check --store {self.root}` lists them)"
            )
        return good

    def connect(self, *, allow_external: bool = False) -> Any:
        """A DuckDB connection with the views ``results`` and ``studies`` over the store's
        intact files.

        Unless ``allow_external``, DuckDB's access to files, the network and extensions
        is switched off and the configuration locked: the SQL can read the two views and
        nothing else, and can write nowhere.
        """
        import duckdb
        import pyarrow.dataset as ds

        con = duckdb.connect(":memory:")
        for view, folder, schema in (
            ("results", self.points_dir, POINT_SCHEMA),
            ("studies", self.studies_dir, STUDY_SCHEMA),
        ):
            files = self.verified_files(folder, schema)
            source: Any = (
                ds.dataset(files, schema=schema, format="parquet")
                if files
                else schema.empty_table()
            )
            con.register(f"_{view}_files", source)
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM _{view}_files")
        con.execute(f"SET memory_limit = '{QUERY_MEMORY}'")
        if not allow_external:
            con.execute("SET enable_external_access = false")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute("SET lock_configuration = true")
        return con

    def query(
        self,
        sql: str = DEFAULT_QUERY,
        *,
        max_rows: int | None = None,
        allow_external: bool = False,
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run SQL over the views ``results`` and ``studies``; return (columns, rows).

        At most ``max_rows`` (default :data:`MAX_ROWS`) rows are handed back: a query that returns more is refused
        (so a huge store cannot exhaust memory). Without ``allow_external`` the SQL
        cannot touch files outside the store, the network or extensions (:meth:`connect`).

        Raises:
            InputError: the store folder does not exist, DuckDB refused the SQL, or the
                answer has more than ``max_rows`` rows.
        """
        import duckdb

        max_rows = MAX_ROWS if max_rows is None else max_rows
        if not 1 <= max_rows <= MAX_ROWS_LIMIT:
            raise InputError.single(
                f"give 1 to {MAX_ROWS_LIMIT:,} (got {max_rows:,})", field="max_rows"
            )
        if not self.root.is_dir():
            raise InputError.single(
                "no results store here; `hoplon sweep`, `hoplon compare` (and `hoplon run "
                "--store`) write one, or give the folder with --store DIR",
                file=str(self.root),
                field="store",
            )
        con = self.connect(allow_external=allow_external)
        try:
            cursor = con.execute(sql)
            if cursor.description is None:
                return [], []
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchmany(max_rows + 1)
        except duckdb.PermissionException as exc:
            message = str(exc).strip().splitlines()[0]
            raise InputError.single(
                f"{message}; `hoplon results` reads only the store (give --allow-external to "
                "let the SQL read and write other files)",
                field="SQL",
            ) from None
        except duckdb.Error as exc:
            message = str(exc).strip().replace("\n", " ")
            raise InputError.single(
                f"{message}; the views are `results` (one row per point) and `studies` "
                "(one row per point of each study)",
                field="SQL",
            ) from None
        except MemoryError:
            raise InputError.single(
                "the query needs more memory than this machine has; add LIMIT or aggregate",
                field="SQL",
            ) from None
        finally:
            con.close()
        if len(rows) > max_rows:
            raise InputError.single(
                f"the query returns more than {max_rows:,} rows; add LIMIT, aggregate, or "
                f"raise --max-rows (at most {MAX_ROWS_LIMIT:,})",
                field="SQL",
            )
        return columns, rows


def _stored_point(row: Mapping[str, Any]) -> StoredPoint:
    return StoredPoint(
        key=row["key"],
        study_id=row["study_id"],
        kind=row["kind"],
        point=int(row["point"]),
        scenario=row["scenario"],
        seed=int(row["seed"]),
        trials=int(row["trials"]),
        overrides=json.loads(row["overrides"]),
        metrics=json.loads(row["metrics"]),
        timing={
            "compile_s": row["compile_s"],
            "engine_s": row["engine_s"],
            "trials_per_s": row["trials_per_s"],
            "workers": row["workers"],
        },
        created_at=row["created_at"],
    )


def record_points(
    store: ResultStore,
    results: Iterable[tuple[Mapping[str, Any], str, str | None, str, str, Mapping[str, Any]]],
    *,
    study: str,
    kind: str,
    definition: Mapping[str, Any],
) -> list[str]:
    """Write several results as one study.

    Args:
        store: where to write.
        results: per point, (JSON result, key, file, file sha256, scenario digest,
            overrides), in order.
        study: the study id (:func:`study_id`).
        kind: ``run``, ``compare`` or ``sweep``.
        definition: what the study ran (stored as JSON in its manifest).

    Returns:
        The points' keys, in order.
    """
    store.prepare()
    items = list(results)
    keys: list[str] = []
    try:
        store.write_study(study, kind, definition, [(item[1], item[5]) for item in items])
        for i, (result, key, file, sha, digest, overrides) in enumerate(items):
            row = point_row(
                result,
                key=key,
                study=study,
                kind=kind,
                point=i,
                file=file,
                base_sha256=sha,
                scenario_sha256=digest,
                overrides=overrides,
            )
            store.write_point(row)
            keys.append(key)
    except StoreWriteError as exc:
        raise exc.kept(
            f"{len(keys)} of {len(items)} result(s) of this {kind} were stored and are kept; "
            "the others were not stored"
        ) from None
    return keys


def record_run(result: Result, store_dir: str | Path = DEFAULT_STORE) -> str:
    """Write a plain run's result to the store as a one-point study of kind ``run``.

    Args:
        result: what :meth:`hoplon.api.Scenario.run` returned.
        store_dir: the store folder (created if missing).

    Returns:
        The point's key.
    """
    data = result.to_dict()
    sha = result.scenario.sha256
    digest = scenario_digest(result.scenario)
    seed, trials = int(data["seed"]), int(data["trials"])
    variant = [str(v) for v in data.get("variant") or []]
    key = point_key(digest, seed, trials, variant)
    overrides: dict[str, Any] = {"variant": variant} if variant else {}
    definition = {"kind": "run", "scenario": digest, "seed": seed, "trials": trials, **overrides}
    record_points(
        ResultStore(store_dir),
        [(data, key, result.scenario.path, sha, digest, overrides)],
        study=study_id(definition),
        kind="run",
        definition=definition,
    )
    return key
