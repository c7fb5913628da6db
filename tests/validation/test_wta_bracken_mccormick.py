"""The weapon-target assignment solver on the Bracken-McCormick weapons problem.

Source: Bracken, J. and McCormick, G. P., *Selected Applications of Nonlinear
Programming*, John Wiley and Sons, New York, 1968, pp. 22-27, as the GAMS model
library model WEAPONS (SEQ=18): 5 weapon types (ICBM 200, MRBM-1 100, LR-Bomber 300,
F-Bomber 150, MRBM-2 250), 20 targets, kill probabilities ``td``, target values and
minimum weapons for targets 1, 6, 10, 14, 15, 16 and 20. The instance is shipped as
``tests/data/wta_bracken_mccormick.yaml``.

The GAMS model has continuous ``x`` (``Positive Variable``, solved as an NLP) and
its published optimum, total expected damage 1735.57, is the optimum of the
continuous problem, given to two decimals: the tolerance is half a unit in the
last digit, 0.005. The objective is concave, so the NLP's local optimum is the
global one and our relaxed mode must meet it.

The integer optimum (whole weapons) is not published. This solver proves it is
1735.558932 (integer assignment and matching bound, gap < 1e-6); the test checks
that figure to 1e-6 and, independently of the solver, that no single-weapon move
(to another target, or an unused weapon added) improves it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import REPO_ROOT
from hoplon.analysis.wta import load_wta
from hoplon.core.wta import expected_destroyed, solve_wta

INSTANCE = REPO_ROOT / "tests" / "data" / "wta_bracken_mccormick.yaml"
PUBLISHED_CONTINUOUS = 1735.57  # GAMS WEAPONS, two decimals
PUBLISHED_TOL = 0.005
INTEGER_OPTIMUM = 1735.558932  # proven here: see the module notes


@pytest.fixture(scope="module")
def loaded():
    return load_wta(INSTANCE)


@pytest.fixture(scope="module")
def integer_result(loaded):
    return solve_wta(loaded.p, loaded.counts, loaded.values, min_weapons=loaded.min_weapons)


def test_transcription_matches_the_gams_table(loaded):
    """The shipped data: pairs each weapon reaches, counts, values and minimums."""
    reach = {
        w: [j + 1 for j in np.nonzero(loaded.p[i])[0]] for i, w in enumerate(loaded.weapon_names)
    }
    assert reach == {
        "ICBM": [2, 6, 7, 8, 9, 18],
        "MRBM-1": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 19, 20],
        "LR-Bomber": list(range(1, 21)),
        "F-Bomber": [10, 11, 12, 13, 14, 15, 16],
        "MRBM-2": [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16],
    }
    assert loaded.counts.tolist() == [200, 100, 300, 150, 250]
    assert loaded.values.sum() == 1755
    assert {j + 1: int(m) for j, m in enumerate(loaded.min_weapons) if m} == {
        1: 30, 6: 100, 10: 40, 14: 50, 15: 70, 16: 35, 20: 10,
    }  # fmt: skip
    assert loaded.p.sum() == pytest.approx(5.54)  # every entry of td added up


def test_relaxed_optimum_is_the_published_one(loaded):
    r = solve_wta(
        loaded.p, loaded.counts, loaded.values, min_weapons=loaded.min_weapons, relaxed=True
    )
    assert r.status == "optimal"
    assert r.destroyed == pytest.approx(PUBLISHED_CONTINUOUS, abs=PUBLISHED_TOL)
    assert r.bound == pytest.approx(PUBLISHED_CONTINUOUS, abs=PUBLISHED_TOL)
    assert r.gap < 1e-4
    x = r.assignment
    assert np.all(x.sum(axis=1) <= loaded.counts + 1e-6)
    assert np.all(x.sum(axis=0) >= loaded.min_weapons - 1e-6)


def test_integer_optimum_with_proof(loaded, integer_result):
    r = integer_result
    assert r.status == "optimal"
    x = r.assignment
    assert np.array_equal(x, np.round(x))
    assert np.all(x.sum(axis=1) <= loaded.counts)
    assert np.all(x.sum(axis=0) >= loaded.min_weapons)
    assert np.all(x[loaded.p == 0] == 0)
    assert r.destroyed == pytest.approx(INTEGER_OPTIMUM, abs=1e-6)
    assert r.gap <= 1e-6 and r.bound >= r.destroyed
    assert r.destroyed <= PUBLISHED_CONTINUOUS + PUBLISHED_TOL  # integers cannot beat it


def test_integer_optimum_has_no_improving_single_move(loaded, integer_result):
    """Independent of the solver: moving or adding one weapon never helps."""
    x = integer_result.assignment
    best = expected_destroyed(loaded.p, loaded.values, x)
    m, n = x.shape
    spare = loaded.counts - x.sum(axis=1)
    for i in range(m):
        for j in range(n):
            if loaded.p[i, j] == 0:
                continue
            sources = [None] if spare[i] > 0 else []
            sources += [k for k in range(n) if x[i, k] > 0 and k != j]
            for k in sources:
                y = x.copy()
                y[i, j] += 1
                if k is not None:
                    y[i, k] -= 1
                    if y[:, k].sum() < loaded.min_weapons[k]:
                        continue
                assert expected_destroyed(loaded.p, loaded.values, y) <= best + 1e-9


def test_cli_on_the_instance(run_main):
    code, out, err = run_main("wta", INSTANCE, "--json", "--relaxed")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "optimal" and doc["relaxed"] is True
    assert doc["expected_destroyed_value"] == pytest.approx(PUBLISHED_CONTINUOUS, abs=PUBLISHED_TOL)
    code, out, err = run_main("wta", INSTANCE)
    assert code == 0, err
    assert "Expected destroyed value 1735.558932" in out
    assert "ICBM" in out and "optimal" in out
