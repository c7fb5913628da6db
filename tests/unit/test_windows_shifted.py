"""Windows found once per raid path and shifted by launch time (intercept_points_shifted)
are the windows found on every threat's own path, bit for bit."""

from __future__ import annotations

from pathlib import Path as FilePath

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoplon.compile import raids, sensors, stocks
from hoplon.compile import windows as compile_windows
from hoplon.core import flight, windows
from hoplon.core.flight import PathBatch
from hoplon.core.model import EngagementWindows
from hoplon.scenario.loader import LoadedScenario, load_scenario

DATA = FilePath(__file__).resolve().parents[1] / "data"
FIELDS = ("stock", "threat", "p_kill", "offsets", "launch_s", "best_launch_s", "best_intercept_s")


def assert_same_bits(a: EngagementWindows, b: EngagementWindows) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert np.ascontiguousarray(x).tobytes() == np.ascontiguousarray(y).tobytes(), name


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 5), st.integers(1, 4))
def test_shifted_windows_are_the_direct_windows(
    seed: int, n_paths: int, per_path: int, n_stocks: int
) -> None:
    rng = np.random.default_rng(seed)
    lat0, lon0 = rng.uniform(-60, 60), rng.uniform(-180, 180)
    paths: list[flight.Path] = []
    for _ in range(n_paths):
        a = (lat0 + rng.uniform(-8, 8), lon0 + rng.uniform(-8, 8))
        b = (lat0 + rng.uniform(-1, 1), lon0 + rng.uniform(-1, 1))
        kind = rng.integers(3)
        if kind == 0:
            trajectory = str(rng.choice(flight.TRAJECTORIES))
            paths.append(flight.ballistic_path(*a, *b, 50.0, trajectory, dt_s=rng.uniform(1, 5)))
        elif kind == 1:
            paths.append(flight.cruise_path(*a, *b, 700.0, 30.0, dt_s=rng.uniform(1, 10)))
        else:
            paths.append(flight.aircraft_path(*a, *b, 250.0, 9000.0, 300e3, dt_s=2.0))
    # threats of one path launched apart, at times whose sums round (large, fractional)
    row = np.repeat(np.arange(n_paths), per_path)
    launch = rng.uniform(0, 1e5, row.shape[0]) * rng.choice([1e-3, 1.0], row.shape[0])
    n_t = row.shape[0]
    direct = PathBatch.from_paths([paths[r] for r in row], launch)
    shared = PathBatch.from_paths(paths, np.zeros(n_paths))
    stock = np.repeat(np.arange(n_stocks), n_t)
    threat = np.tile(np.arange(n_t), n_stocks)
    upper = rng.random(n_stocks) < 0.5

    def per_stock(low: np.ndarray, high: np.ndarray) -> np.ndarray:
        return np.where(upper, high, low)[stock]

    geometry = dict(
        unit_lat=(lat0 + rng.uniform(-2, 2, n_stocks))[stock],
        unit_lon=(lon0 + rng.uniform(-2, 2, n_stocks))[stock],
        unit_alt_m=rng.uniform(0, 30, n_stocks)[stock],
        min_range_m=rng.uniform(0, 30e3, n_stocks)[stock],
        max_range_m=per_stock(rng.uniform(20e3, 200e3, n_stocks), rng.uniform(3e5, 15e5, n_stocks)),
        min_alt_m=per_stock(np.zeros(n_stocks), rng.uniform(50e3, 100e3, n_stocks)),
        max_alt_m=per_stock(rng.uniform(2e4, 6e4, n_stocks), rng.uniform(3e5, 1e6, n_stocks)),
        avg_speed_ms=rng.uniform(1000, 4000, n_stocks)[stock],
    )
    # earliest launch: after the threat's launch, never, or exactly a point's launch time
    earliest = launch[threat] + rng.uniform(0, 400, threat.shape[0])
    earliest[rng.random(threat.shape[0]) < 0.1] = np.inf
    first, _ = windows.engagement_windows(
        stock, threat, 0.5, **geometry, earliest_launch_s=np.full(threat.shape, -np.inf),
        paths=direct,
    )  # fmt: skip
    for w in range(first.count):  # some pairs start exactly on one of their points
        if rng.random() < 0.5:
            k = rng.integers(first.offsets[w], first.offsets[w + 1])
            earliest[(stock == first.stock[w]) & (threat == first.threat[w])] = first.launch_s[k]
    p_kill = rng.uniform(0.1, 0.9, threat.shape[0])
    a, pair_a = windows.engagement_windows(
        stock, threat, p_kill, **geometry, earliest_launch_s=earliest, paths=direct,
        block_size=int(rng.choice([1, 7, 32])),
    )  # fmt: skip
    b, pair_b = windows.engagement_windows(
        stock, threat, p_kill, **geometry, earliest_launch_s=earliest, paths=shared,
        block_size=int(rng.choice([1, 7, 32])), path=row[threat], launch_s=launch[threat],
        chunk_elements=int(rng.choice([50, 500_000])),
    )  # fmt: skip
    assert_same_bits(a, b)
    assert np.array_equal(pair_a, pair_b)


def compiled_both_ways(loaded: LoadedScenario) -> tuple[EngagementWindows, EngagementWindows]:
    spec = loaded.spec
    wave = spec.wave_list()[0]
    unit_idx = [i for i, u in enumerate(spec.units) if u.nation not in loaded.absent]
    sensor_idx = [i for i, s in enumerate(spec.sensors) if s.nation not in loaded.absent]
    tg = raids.targets(loaded)
    threats = raids.expand_raids(loaded, wave.threats, tg, wave.start_s)
    shared, direct = threats.raid_batch(), threats.batch()
    assert direct is not None
    radars = sensors.place_sensors(loaded, unit_idx, sensor_idx)
    fc = sensors.fire_control_tracks(loaded, threats, shared, radars, unit_idx)
    st_ = stocks.build_stocks(loaded, unit_idx)
    pairs = compile_windows.engageable_pairs(
        loaded, unit_idx, st_, threats, tg, fc, compile_windows.defends(spec)
    )
    where, env = compile_windows.launchers(loaded, unit_idx), compile_windows.envelopes(st_)
    new = compile_windows.pair_windows(pairs, st_, env, where, fc, threats, shared)
    ps, pt, pk = pairs
    uu, ii = st_.unit[ps], st_.interceptor[ps]
    old, _ = windows.engagement_windows(
        ps, pt, pk, where.lat[uu], where.lon[uu], where.alt[uu], env["min_range"][ii],
        env["max_range"][ii], env["min_alt"][ii], env["max_alt"][ii], env["speed"][ii],
        fc[uu, pt] + where.reaction[uu], direct,
    )  # fmt: skip
    assert np.array_equal(direct.impact_s, threats.impact_s)
    return old, new


@pytest.mark.parametrize(
    "name", ["standoff-bombers.yaml", "glide-vs-layers.yaml", "nato-task-group.yaml"]
)
def test_compiled_windows_per_raid_path(name: str) -> None:
    """Stand-off missiles (released from their platform's release point at its release
    time), glide vehicles, cruise missiles and aircraft: one path per raid, shifted."""
    old, new = compiled_both_ways(load_scenario(DATA / name))
    assert old.count > 0
    assert_same_bits(old, new)


def test_normal_angle_by_component_is_the_sum_over_the_last_axis() -> None:
    """geo.normal_angle_rad sums the squared components one by one: the same bits as
    np.sum over the last axis, which the windows and detections were computed with."""
    from hoplon.core import geo

    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(-90, 90, (50, 40)), rng.uniform(-180, 180, (50, 40))
    up = geo.enu_basis(lat, lon)[2]
    for a, b in ((up[:, None, :1], up[None, :, :]), (up, up[:, :1]), (up[0, 0], up)):
        chord = np.sqrt(np.sum((a - b) ** 2, axis=-1))
        expected = 2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0))
        assert geo.normal_angle_rad(a, b).tobytes() == np.asarray(expected).tobytes()
