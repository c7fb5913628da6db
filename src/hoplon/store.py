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

Every write is atomic: the table is written to a hidden temporary file in the same
folder, flushed and ``fsync``-ed, then renamed over the final name with
:func:`os.replace`, and the folder is ``fsync``-ed. A process killed at any moment
leaves either the old file, the new file, or no file, plus at worst a hidden
temporary file that the next writer removes; readers never see a partial file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from hoplon import __version__
from hoplon.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from hoplon.api import Result
    from hoplon.scenario import LoadedScenario

#: Store folder used when none is given.
DEFAULT_STORE = Path("hoplon-results")
#: Version of the result contract the stored metrics follow (output-contract.md).
CONTRACT = 1

#: Headline metrics flattened into columns (mean, and the 95 % bounds where present).
HEADLINE = (
    "p_no_leak",
    "expected_leakers",
    "value_protected",
    "interceptor_cost_usd",
    "threat_cost_usd",
    "cost_exchange_ratio",
)

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


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scenario_digest(loaded: LoadedScenario) -> str:
    """SHA-256 (hex) of a validated scenario as it runs: the scenario and its catalog.

    The scenario's ``seed`` and ``trials`` are left out (a run's own seed and trials go
    into :func:`point_key`), so the digest says *what* is simulated: two files, or two
    sweep points reached by different ``--set`` options, that validate to the same
    scenario have the same digest, whatever their comments, key order or defaults
    written out.
    """
    spec = loaded.spec.model_dump(mode="json", by_alias=True)
    spec.pop("seed", None)
    spec.pop("trials", None)
    catalog = {
        kind: {
            name: entry.model_dump(mode="json") for name, entry in loaded.catalog.kind(kind).items()
        }
        for kind in ("interceptors", "sensors", "platforms", "threats")
    }
    material = canonical_json({"scenario": spec, "catalog": catalog})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def point_key(scenario: str, seed: int, trials: int, variant: Sequence[str] | None = None) -> str:
    """The key of a point: SHA-256 (hex) of everything its figures depend on.

    Args:
        scenario: :func:`scenario_digest` of the scenario as run (overrides applied).
        seed: random seed of the run.
        trials: number of trials.
        variant: for a run with nations or agreements left out, what was left out.

    The Hoplon version and the contract number are part of the key, so a new release
    recomputes rather than reuses. (A development checkout keeps its version number, so
    results of an older engine in the same version are taken as current.)
    """
    material = canonical_json(
        {
            "scenario": scenario,
            "seed": int(seed),
            "trials": int(trials),
            "variant": list(variant or []),
            "hoplon": __version__,
            "contract": CONTRACT,
        }
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def study_id(definition: Mapping[str, Any]) -> str:
    """A study's id: the first 16 hex digits of the SHA-256 of its definition.

    The same study (same kind, files, grid, seed and trials) always gets the same id, so
    an interrupted sweep resumed later continues the same study.
    """
    material = canonical_json({**definition, "hoplon": __version__})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _now() -> dt.datetime:
    # Naive UTC: DuckDB needs pytz to hand back time-zone-aware values.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems refuse fsync on a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` as Parquet at ``path`` so that no reader ever sees a partial file.

    The data go to ``.<name>.<pid>.<random>.tmp`` in the same folder (same file system,
    so the rename is atomic), are flushed and fsync-ed, then renamed over ``path``.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(temp, "wb") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(folder)


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


class ResultStore:
    """A store folder: write points and study manifests, find keys, run SQL over them."""

    def __init__(self, root: str | Path = DEFAULT_STORE) -> None:
        self.root = Path(root)
        self.points_dir = self.root / "points"
        self.studies_dir = self.root / "studies"

    def __repr__(self) -> str:
        return f"ResultStore({str(self.root)!r})"

    # ------------------------------------------------------------------ writing

    def prepare(self) -> None:
        """Create the folders, and remove temporary files left by killed writers."""
        if self.root.exists() and not self.root.is_dir():
            raise InputError.single(
                "this is a file; --store takes a folder (created if missing)",
                file=str(self.root),
                field="--store",
            )
        try:
            self.points_dir.mkdir(parents=True, exist_ok=True)
            self.studies_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError.single(
                f"cannot create the results store: {exc.strerror}",
                file=str(self.root),
                field="--store",
            ) from None
        self.remove_stale_temporaries()

    def remove_stale_temporaries(self) -> list[Path]:
        """Delete the temporary files of writers that are no longer running."""
        removed = []
        for folder in (self.points_dir, self.studies_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                match = _TEMP.match(path.name)
                if match and not _pid_alive(int(match["pid"])):
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed.append(path)
        return removed

    def write_point(self, row: Mapping[str, Any]) -> Path:
        """Write one point (a :func:`point_row`) as ``points/<key>.parquet``, atomically.

        A point already stored under the same key is replaced: same key, same figures.
        """
        key = str(row["key"])
        if not _KEY.match(key):
            raise ValueError(f"not a point key: {key!r}")
        table = pa.Table.from_pylist([dict(row)], schema=POINT_SCHEMA)
        path = self.points_dir / f"{key}.parquet"
        write_atomic(table, path)
        return path

    def write_study(
        self,
        study: str,
        kind: str,
        definition: Mapping[str, Any],
        points: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> Path:
        """Write a study's manifest: its definition and the (key, overrides) of each point."""
        created = _now()
        previous = self.studies_dir / f"{study}.parquet"
        if previous.exists():  # a resumed study keeps the time it was first started
            with contextlib.suppress(Exception):
                first = pq.read_table(previous, columns=["created_at"]).column(0)
                if len(first):
                    created = first[0].as_py()
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
        write_atomic(table, previous)
        return previous

    # ------------------------------------------------------------------ reading

    def keys(self) -> set[str]:
        """The keys of every point in the store (from the file names; no file is read)."""
        if not self.points_dir.is_dir():
            return set()
        return {
            p.name[: -len(".parquet")]
            for p in self.points_dir.iterdir()
            if p.name.endswith(".parquet") and not p.name.startswith(".")
        }

    def read_point(self, key: str) -> StoredPoint:
        """Read one stored point back."""
        row = pq.read_table(self.points_dir / f"{key}.parquet").to_pylist()[0]
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

    def connect(self) -> Any:
        """A DuckDB connection with the views ``results`` and ``studies`` over the store."""
        import duckdb

        con = duckdb.connect(":memory:")
        for view, folder, schema in (
            ("results", self.points_dir, POINT_SCHEMA),
            ("studies", self.studies_dir, STUDY_SCHEMA),
        ):
            has_files = folder.is_dir() and any(
                p.name.endswith(".parquet") and not p.name.startswith(".") for p in folder.iterdir()
            )
            if has_files:
                pattern = str(folder / "*.parquet").replace("'", "''")
                con.execute(
                    f"CREATE VIEW {view} AS SELECT * FROM "
                    f"read_parquet('{pattern}', union_by_name = true)"
                )
            else:
                empty = schema.empty_table()
                con.register(f"_{view}_empty", empty)
                con.execute(f"CREATE VIEW {view} AS SELECT * FROM _{view}_empty")
        return con

    def query(self, sql: str = DEFAULT_QUERY) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run SQL over the views ``results`` and ``studies``; return (columns, rows).

        Raises:
            InputError: the store folder does not exist, or DuckDB refused the SQL.
        """
        import duckdb

        if not self.root.is_dir():
            raise InputError.single(
                "no results store here; `hoplon sweep`, `hoplon compare` (and `hoplon run "
                "--store`) write one, or give the folder with --store DIR",
                file=str(self.root),
                field="--store",
            )
        con = self.connect()
        try:
            cursor = con.execute(sql)
            if cursor.description is None:
                return [], []
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        except duckdb.Error as exc:
            message = str(exc).strip().replace("\n", " ")
            raise InputError.single(
                f"{message}; the views are `results` (one row per point) and `studies` "
                "(one row per point of each study)",
                field="SQL",
            ) from None
        finally:
            con.close()
        return columns, rows


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
    store.write_study(study, kind, definition, [(item[1], item[5]) for item in items])
    keys = []
    for i, (result, key, file, sha, digest, overrides) in enumerate(items):
        store.write_point(
            point_row(
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
        )
        keys.append(key)
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
