"""Engagement windows (hoplon.core.windows) against the scalar reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_geometry as ref
from hoplon.core import flight, windows
from hoplon.core.flight import Path, PathBatch
from hoplon.core.model import EngagementWindows


def random_paths(rng: np.random.Generator, centre: tuple[float, float], n: int) -> list[Path]:
    lat0, lon0 = centre
    paths = []
    for _ in range(n):
        a = (lat0 + rng.uniform(-8, 8), lon0 + rng.uniform(-8, 8))
        b = (lat0 + rng.uniform(-1, 1), lon0 + rng.uniform(-1, 1))
        if rng.random() < 0.6:
            kind = str(rng.choice(flight.TRAJECTORIES))
            paths.append(flight.ballistic_path(*a, *b, 50.0, kind, dt_s=rng.uniform(3, 10)))
        else:
            paths.append(flight.cruise_path(*a, *b, 700.0, 30.0, dt_s=rng.uniform(5, 20)))
    return paths


def random_shooters(
    rng: np.random.Generator, centre: tuple[float, float], n: int
) -> list[ref.Shooter]:
    out = []
    for _ in range(n):
        upper = rng.random() < 0.5
        out.append(
            ref.Shooter(
                lat=centre[0] + rng.uniform(-2, 2),
                lon=centre[1] + rng.uniform(-2, 2),
                alt_m=rng.uniform(0, 30),
                min_range_m=rng.uniform(0, 30e3),
                max_range_m=rng.uniform(300e3, 1500e3) if upper else rng.uniform(20e3, 200e3),
                min_alt_m=rng.uniform(50e3, 100e3) if upper else 0.0,
                max_alt_m=rng.uniform(300e3, 1000e3) if upper else rng.uniform(20e3, 60e3),
                avg_speed_ms=rng.uniform(1000, 4000),
                earliest_launch_s=float(rng.choice([rng.uniform(0, 400), np.inf])),
            )
        )
    return out


def run_kernel(
    shooters: list[ref.Shooter], threat: np.ndarray, batch: PathBatch, **kw: int
) -> tuple[EngagementWindows, np.ndarray]:
    def col(name: str) -> np.ndarray:
        return np.array([getattr(s, name) for s in shooters])

    n = len(shooters)
    return windows.engagement_windows(
        stock=np.arange(n) + 100,
        threat=threat,
        p_kill=np.linspace(0.1, 0.9, n),
        unit_lat=col("lat"),
        unit_lon=col("lon"),
        unit_alt_m=col("alt_m"),
        min_range_m=col("min_range_m"),
        max_range_m=col("max_range_m"),
        min_alt_m=col("min_alt_m"),
        max_alt_m=col("max_alt_m"),
        avg_speed_ms=col("avg_speed_ms"),
        earliest_launch_s=col("earliest_launch_s"),
        paths=batch,
        **kw,
    )


def check_invariants(w: EngagementWindows) -> None:
    assert w.offsets[0] == 0 and w.offsets[-1] == w.launch_s.shape[0]
    assert np.all(np.diff(w.offsets) > 0)  # no empty window
    for i in range(w.count):
        seg = slice(w.offsets[i], w.offsets[i + 1])
        assert np.all(np.diff(w.launch_s[seg]) >= 0)
        assert np.all(np.diff(w.best_intercept_s[seg]) >= 0)  # suffix minima grow
        assert np.all(w.best_launch_s[seg] >= w.launch_s[seg])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4))
def test_windows_match_reference(seed: int, n_shooters: int, n_threats: int) -> None:
    rng = np.random.default_rng(seed)
    centre = (rng.uniform(-60, 60), rng.uniform(-180, 180))
    paths = random_paths(rng, centre, n_threats)
    launch = rng.uniform(0, 120, n_threats)
    batch = PathBatch.from_paths(paths, launch)
    # every (shooter, threat) pair is a candidate, with its own envelope
    shooters = random_shooters(rng, centre, n_shooters * n_threats)
    threat = np.tile(np.arange(n_threats), n_shooters)
    w, pair = run_kernel(shooters, threat, batch, block_size=int(rng.choice([1, 5, 32])))
    check_invariants(w)

    expected: dict[int, list[tuple[float, float]]] = {}
    for p, shooter in enumerate(shooters):
        t = int(threat[p])
        path = paths[t]
        samples = [
            ref.Sample(float(path.t_s[k] + launch[t]), path.lat[k], path.lon[k], path.alt_m[k])
            for k in range(path.n_samples)
        ]
        points = ref.intercept_points(shooter, samples, float(batch.impact_s[t]))
        if points:
            expected[p] = points
    assert list(pair) == sorted(expected)
    assert np.array_equal(w.stock, pair + 100) and np.array_equal(w.threat, threat[pair])
    assert np.allclose(w.p_kill, np.linspace(0.1, 0.9, len(shooters))[pair])
    for i, p in enumerate(pair):
        points = expected[int(p)]
        seg = slice(w.offsets[i], w.offsets[i + 1])
        assert np.allclose(w.launch_s[seg], sorted(lp for lp, _ in points), atol=1e-6)
        for e in [-np.inf, *rng.uniform(min(points)[0] - 10, max(points)[0] + 10, 5)]:
            k = w.offsets[i] + np.searchsorted(w.launch_s[seg], e, "left")
            best = ref.best_engagement(points, e)
            if best is None:
                assert k == w.offsets[i + 1]
            else:
                assert w.best_intercept_s[k] == best[1]
                assert w.best_launch_s[k] == pytest.approx(best[0], abs=1e-6)


def test_chunking_does_not_change_the_answer() -> None:
    rng = np.random.default_rng(2)
    centre = (36.0, 134.0)
    paths = random_paths(rng, centre, 6)
    batch = PathBatch.from_paths(paths, rng.uniform(0, 60, 6))
    shooters = random_shooters(rng, centre, 24)
    threat = np.tile(np.arange(6), 4)
    w1, p1 = run_kernel(shooters, threat, batch)
    w2, p2 = run_kernel(shooters, threat, batch, chunk_elements=1)
    assert np.array_equal(p1, p2)
    for name in ("offsets", "launch_s", "best_launch_s", "best_intercept_s"):
        assert np.array_equal(getattr(w1, name), getattr(w2, name))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 60), st.booleans())
def test_suffix_minimum_matches_naive(seed: int, n: int, grouped: bool) -> None:
    rng = np.random.default_rng(seed)
    pair = rng.integers(0, 5, n) * 3
    if grouped:  # as intercept_points yields them: grouped by pair, launch mostly rising
        pair = np.sort(pair)
    launch = rng.integers(0, 20, n).astype(float)  # ties on purpose
    tau = launch + rng.uniform(1, 100, n)
    pairs, offsets, launch_s, best_launch, best_tau = windows.windows_from_points(pair, launch, tau)
    assert list(pairs) == sorted(set(pair.tolist()))
    for i, p in enumerate(pairs):
        seg = slice(offsets[i], offsets[i + 1])
        mine = sorted(zip(launch[pair == p], tau[pair == p], strict=True))
        assert np.array_equal(launch_s[seg], [lp for lp, _ in mine])
        for j in range(offsets[i], offsets[i + 1]):
            after = [pt for pt in mine if pt[0] >= launch_s[j]]
            assert best_tau[j] == min(t for _, t in after)
            assert (best_launch[j], best_tau[j]) in after


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 80))
def test_rising_intercepts_take_the_short_path_and_agree(seed: int, n: int) -> None:
    # As intercept_points yields them: grouped by pair, intercept times rising (so the
    # suffix minimum runs over input positions), launch times with ties and descents.
    rng = np.random.default_rng(seed)
    pair = np.sort(rng.integers(0, 4, n))
    tau = np.cumsum(rng.uniform(0.5, 3.0, n))
    launch = np.floor(tau - rng.uniform(0, 8, n))  # integers: ties on purpose
    got = windows.windows_from_points(pair, launch, tau)
    shuffled = rng.permutation(n)  # out of order: the general path, with its sort by tau
    general = windows.windows_from_points(pair[shuffled], launch[shuffled], tau[shuffled])
    for a, b in zip(got, general, strict=True):
        assert np.array_equal(a, b)
    pairs, offsets, launch_s, best_launch, best_tau = got
    for i, p in enumerate(pairs):
        mine = sorted(zip(launch[pair == p], tau[pair == p], strict=True))
        for j in range(offsets[i], offsets[i + 1]):
            after = [pt for pt in mine if pt[0] >= launch_s[j]]
            assert (best_launch[j], best_tau[j]) == min(after, key=lambda pt: pt[1])


def test_no_candidates_gives_no_windows() -> None:
    p = flight.cruise_path(30.0, 136.0, 30.0, 135.0, 300.0, 10.0)
    batch = PathBatch.from_paths([p], [0.0])
    w, pair = windows.engagement_windows(
        [0], [0], [0.5], [0.0], [0.0], [0.0], [0.0], [50e3], [0.0], [1e3], [1e3], [0.0], batch
    )
    assert w.count == 0 and pair.shape == (0,) and list(w.offsets) == [0]
    w, pair = windows.engagement_windows([], [], [], [], [], [], [], [], [], [], [], [], batch)
    assert w.count == 0 and list(w.offsets) == [0]


def test_point_defense_against_a_sea_skimmer() -> None:
    # A 300 m/s sea-skimmer heading for a point 1 km past a ship, tracked from launch
    # 111 km out; ESSM-like envelope (1.5-50 km, 0-15 km altitude, 1,000 m/s). The
    # earliest intercept is at the 50 km maximum range, launched 50 s before.
    ship = (30.0, 135.0)
    start = (29.0, 135.0)
    p = flight.cruise_path(*start, 30.01, 135.0, 300.0, 5.0, dt_s=0.5)
    batch = PathBatch.from_paths([p], [0.0])
    w, _ = windows.engagement_windows(
        [0],
        [0],
        [0.7],
        [ship[0]],
        [ship[1]],
        [20.0],
        [1.5e3],
        [50e3],
        [0.0],
        [15e3],
        [1e3],
        [0.0],
        batch,
    )
    assert w.count == 1
    first_intercept = w.first_intercept_s()[0]
    lat, lon = np.interp(first_intercept, p.t_s, p.lat), np.interp(first_intercept, p.t_s, p.lon)
    assert ref.geodesic_distance_m(*ship, lat, lon) == pytest.approx(50e3, abs=200.0)
    assert w.first_launch_s()[0] == pytest.approx(first_intercept - 50e3 / 1e3, abs=1.0)


@pytest.mark.parametrize("block_size", [5, 32, 64, 100])
def test_full_width_path_counts_each_sample_once(block_size: int) -> None:
    # A path filling the batch's width exactly (64 samples), with block sizes that do
    # and do not divide it: padding added for the blocks must not repeat samples.
    p = flight.cruise_path(29.0, 135.0, 30.0, 135.0, 300.0, 100.0, dt_s=1.0)
    n = flight.COLUMN_MULTIPLE
    full = Path(p.t_s[:n], p.lat[:n], p.lon[:n], p.alt_m[:n], p.speed_ms[:n], 100.0, 63.0, 0.0)
    batch = PathBatch.from_paths([full], [0.0])
    assert batch.n_columns == n and bool(batch.valid.all())
    w, _ = windows.engagement_windows(
        [0], [0], [0.5], [29.3], [135.0], [0.0], [0.0], [1e6], [0.0], [1e4], [3e3], [-1e3],
        batch, block_size=block_size,
    )  # fmt: skip
    assert w.count == 1 and w.launch_s.shape == (n,)
