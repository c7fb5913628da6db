"""Detection, cueing and fire-control tracks (hoplon.core.sensing) against the scalar reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_geometry as ref
from hoplon.core import flight, sensing
from hoplon.core.flight import Path, PathBatch


def random_paths(rng: np.random.Generator, centre: tuple[float, float], n: int) -> list[Path]:
    """A mix of real ballistic and cruise paths and free-form ones near ``centre``."""
    lat0, lon0 = centre
    paths: list[Path] = []
    for _ in range(n):
        kind = rng.integers(3)
        a = (lat0 + rng.uniform(-6, 6), lon0 + rng.uniform(-6, 6))
        b = (lat0 + rng.uniform(-3, 3), lon0 + rng.uniform(-3, 3))
        if kind == 0:
            p = flight.ballistic_path(*a, *b, 40.0, "lofted", dt_s=rng.uniform(5, 15))
        elif kind == 1:
            p = flight.cruise_path(*a, *b, 900.0, rng.uniform(5, 3000), dt_s=rng.uniform(10, 30))
        else:
            k = int(rng.integers(1, 30))
            t = np.cumsum(rng.uniform(1, 20, k)) - 1.0
            p = Path(
                t_s=t,
                lat=lat0 + rng.uniform(-4, 4, k),
                lon=lon0 + rng.uniform(-4, 4, k),
                alt_m=rng.choice([0.0, 10.0, 1e3, 1e5, 4e5], k) * rng.uniform(0.5, 1, k),
                speed_ms=np.zeros(k),
                apogee_m=0.0,
                flight_time_s=float(t[-1]),
                ground_range_m=0.0,
            )
        paths.append(p)
    return paths


def random_radars(rng: np.random.Generator, centre: tuple[float, float], n: int) -> list[ref.Radar]:
    return [
        ref.Radar(
            lat=centre[0] + rng.uniform(-3, 3),
            lon=centre[1] + rng.uniform(-3, 3),
            alt_m=float(rng.choice([0.0, 25.0, 9000.0])) * rng.uniform(0.5, 1.5),
            range_m_1m2=rng.uniform(50e3, 1500e3),
            facing_deg=rng.uniform(-180, 540),
            fov_deg=float(rng.choice([360.0, 400.0, rng.uniform(10, 359)])),
            min_elev_deg=float(rng.choice([0.0, -3.0, rng.uniform(0.1, 30)])),
        )
        for _ in range(n)
    ]


def detect(radars: list[ref.Radar], batch: PathBatch, rcs: np.ndarray, **kw: int) -> np.ndarray:
    return sensing.radar_first_detection_s(
        [r.lat for r in radars],
        [r.lon for r in radars],
        [r.alt_m for r in radars],
        [r.range_m_1m2 for r in radars],
        [r.facing_deg for r in radars],
        [r.fov_deg for r in radars],
        [r.min_elev_deg for r in radars],
        batch,
        rcs,
        **kw,
    )


def reference_detect(
    radars: list[ref.Radar], paths: list[Path], launch: np.ndarray, rcs: np.ndarray
) -> np.ndarray:
    out = np.full((len(radars), len(paths)), math.inf)
    for s, radar in enumerate(radars):
        for t, p in enumerate(paths):
            samples = [
                ref.Sample(float(p.t_s[k] + launch[t]), p.lat[k], p.lon[k], p.alt_m[k])
                for k in range(p.n_samples)
            ]
            out[s, t] = ref.first_detection_s(radar, samples, float(rcs[t]))
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 5))
def test_first_detection_matches_reference(seed: int, n_radars: int, n_threats: int) -> None:
    rng = np.random.default_rng(seed)
    centre = (rng.uniform(-60, 60), rng.uniform(-180, 180))
    paths = random_paths(rng, centre, n_threats)
    radars = random_radars(rng, centre, n_radars)
    launch = rng.uniform(0, 100, n_threats)
    rcs = rng.choice([0.01, 0.1, 1.0, 5.0], n_threats)
    batch = PathBatch.from_paths(paths, launch)
    expected = reference_detect(radars, paths, launch, rcs)
    got = detect(radars, batch, rcs, block_size=int(rng.choice([1, 4, 32])))
    assert np.array_equal(got, expected)


def test_chunking_does_not_change_the_answer() -> None:
    rng = np.random.default_rng(11)
    centre = (35.0, 135.0)
    paths = random_paths(rng, centre, 12)
    radars = random_radars(rng, centre, 6)
    batch = PathBatch.from_paths(paths, rng.uniform(0, 50, 12))
    rcs = np.full(12, 0.5)
    base = detect(radars, batch, rcs)
    assert np.array_equal(base, detect(radars, batch, rcs, chunk_elements=1, block_size=3))
    assert np.array_equal(base, detect(radars, batch, rcs, chunk_elements=10**9, block_size=64))


def _one_point_batch(lat: float, lon: float, alt: float) -> PathBatch:
    p = Path(
        t_s=np.array([0.0]),
        lat=np.array([lat]),
        lon=np.array([lon]),
        alt_m=np.array([alt]),
        speed_ms=np.zeros(1),
        apogee_m=alt,
        flight_time_s=0.0,
        ground_range_m=0.0,
    )
    return PathBatch.from_paths([p], [5.0])


def test_field_of_regard_wraps_north() -> None:
    # A target due north-east (azimuth about 45 deg) of a radar facing 350 deg.
    batch = _one_point_batch(0.5, 0.5, 10_000.0)
    for fov, seen in ((60.0, False), (120.0, True), (360.0, True)):
        d = sensing.radar_first_detection_s(
            [0.0], [0.0], [20.0], [1e6], [350.0], [fov], [0.0], batch, [1.0]
        )
        assert np.isfinite(d[0, 0]) == seen, fov


def test_rcs_scales_range_by_fourth_root() -> None:
    batch = _one_point_batch(0.0, 0.9, 100_000.0)  # about 140 km slant
    args = ([0.0], [0.0], [20.0], [100e3], [0.0], [360.0], [0.0], batch)
    assert np.isinf(sensing.radar_first_detection_s(*args, [1.0])[0, 0])
    assert sensing.radar_first_detection_s(*args, [16.0])[0, 0] == 5.0  # 200 km against 16 m^2


def test_elevation_mask() -> None:
    batch = _one_point_batch(0.0, 1.0, 10_000.0)  # elevation about 4.6 deg at 111 km
    args = ([0.0], [0.0], [20.0], [1e6], [0.0], [360.0])
    assert np.isfinite(sensing.radar_first_detection_s(*args, [3.0], batch, [1.0])[0, 0])
    assert np.isinf(sensing.radar_first_detection_s(*args, [6.0], batch, [1.0])[0, 0])


def test_space_infrared_reports_ballistic_only() -> None:
    r = sensing.space_infrared_report_s([0.0, 10.0, 20.0], [True, False, True], [30.0, 60.0])
    assert r.shape == (2, 3)
    assert np.array_equal(r[:, 0], [30.0, 60.0]) and np.all(np.isinf(r[:, 1]))


@pytest.mark.parametrize(
    ("detect_s", "cue_s", "expected"),
    [
        (100.0, math.inf, 120.0),  # uncued: search time
        (100.0, 50.0, 100.0),  # cue before visibility: track at first visibility
        (100.0, 110.0, 110.0),  # cue during the search: track when it arrives
        (100.0, 500.0, 120.0),  # cue after the search: no help
        (math.inf, 10.0, math.inf),  # never seen: never tracked
    ],
)
def test_cue_rule(detect_s: float, cue_s: float, expected: float) -> None:
    got = sensing.cued_track_time_s([[detect_s]], [20.0], [[cue_s]])
    assert got[0, 0] == expected
    assert ref.cued_track_s(detect_s, 20.0, cue_s) == expected


def test_cue_chain_between_radars() -> None:
    # Space report at 30 s cues radar 0 (latency 5); radar 0's track cues radar 1 (latency 2).
    detect_s = np.array([[40.0], [60.0]])
    latency = np.array([[0.0, np.inf, 5.0], [2.0, 0.0, np.inf]])
    track, cue = sensing.radar_track_times(detect_s, [30.0, 30.0], latency, [[30.0]])
    assert track[0, 0] == 40.0 and cue[0, 0] == 35.0
    assert track[1, 0] == 60.0 and cue[1, 0] == 42.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(0, 3), st.integers(1, 5))
def test_track_times_match_reference(seed: int, n_s: int, n_e: int, n_t: int) -> None:
    rng = np.random.default_rng(seed)
    detect_s = np.where(rng.random((n_s, n_t)) < 0.2, np.inf, rng.uniform(0, 300, (n_s, n_t)))
    track_time = rng.uniform(0, 60, n_s)
    latency = np.where(
        rng.random((n_s, n_s + n_e)) < 0.4, np.inf, rng.uniform(0, 20, (n_s, n_s + n_e))
    )
    external = np.where(rng.random((n_e, n_t)) < 0.3, np.inf, rng.uniform(0, 200, (n_e, n_t)))
    track, _ = sensing.radar_track_times(detect_s, track_time, latency, external)
    expected = ref.track_times(
        detect_s.tolist(), track_time.tolist(), latency.tolist(), external.tolist()
    )
    assert np.array_equal(track, np.array(expected).reshape(n_s, n_t))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 5), st.integers(1, 7))
def test_fire_control_tracks_match_loops(seed: int, n_s: int, n_u: int, n_t: int) -> None:
    rng = np.random.default_rng(seed)
    track = np.where(rng.random((n_s, n_t)) < 0.3, np.inf, rng.uniform(0, 300, (n_s, n_t)))
    latency = np.where(rng.random((n_u, n_s)) < 0.5, np.inf, rng.uniform(0, 10, (n_u, n_s)))
    got = sensing.fire_control_track_times(track, latency)
    for u in range(n_u):
        for t in range(n_t):
            assert got[u, t] == min(track[s, t] + latency[u, s] for s in range(n_s))


@pytest.mark.parametrize("seed", range(20))
def test_track_times_by_group_equal_the_full_matrix(seed: int) -> None:
    """Latencies given per group give the same fixed point as the (S, S + E) matrix."""
    rng = np.random.default_rng(seed)
    n_s, n_t, n_g, n_e = int(rng.integers(1, 12)), int(rng.integers(1, 6)), 3, 2
    detect = rng.uniform(0.0, 100.0, (n_s, n_t))
    detect[rng.random((n_s, n_t)) < 0.3] = np.inf
    track_time = rng.uniform(0.0, 40.0, n_s)
    group = rng.integers(0, n_g, n_s)
    group_latency = rng.choice([0.0, 2.0, 7.5, np.inf], (n_g, n_g))
    np.fill_diagonal(group_latency, 0.0)
    external_latency = rng.choice([1.0, np.inf], (n_g, n_e))
    external = rng.uniform(0.0, 120.0, (n_e, n_t))
    full = np.concatenate([group_latency[group][:, group], external_latency[group]], axis=1)
    want = sensing.radar_track_times(detect, track_time, full, external)
    got = sensing.radar_track_times_by_group(
        detect, track_time, group, group_latency, external_latency, external
    )
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    bare = sensing.radar_track_times_by_group(detect, track_time, group, group_latency)
    want_bare = sensing.radar_track_times(detect, track_time, group_latency[group][:, group])
    np.testing.assert_array_equal(bare[0], want_bare[0])
    np.testing.assert_array_equal(bare[1], want_bare[1])
