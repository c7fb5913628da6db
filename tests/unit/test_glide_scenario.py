"""A hypersonic glide vehicle in a scenario: the envelope consequences of its low flight
(docs/model.md, "Hypersonic glide vehicles"), and its catalog fields' refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from hoplon.compile import compile_scenario
from hoplon.compile.engageability import scenario_gaps
from hoplon.scenario.loader import load_scenario, load_text

DATA = Path(__file__).resolve().parents[1] / "data" / "glide-vs-layers.yaml"


def _invoke(args: list[str]) -> tuple[int | None, str]:
    from hoplon.cli import main

    code: int | None = None
    with CliRunner().isolation() as (_, stderr, _):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        err = stderr.getvalue().decode("utf-8", "replace")
    return code, err


def test_exo_atmospheric_layer_cannot_reach_the_glide():
    """SM-3 Block IIA, given an hgv SSPK, never engages: the glider never rises to its
    70 km floor. The glide-phase interceptor (25-80 km) does."""
    loaded = load_scenario(DATA)
    model = compile_scenario(loaded).waves[0]
    units = model.stock_unit[model.windows.stock]
    assert model.windows.count == 4
    assert set(np.asarray(model.unit_ids)[units]) == {"ddg-glide"}
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["units"] = [u for u in data["units"] if u["id"] == "ddg-exo"]
    gaps = scenario_gaps(load_text(yaml.safe_dump(data, sort_keys=False)))
    assert len(gaps) == 4
    assert {g.kinds["ddg-exo"] for g in gaps} == {"altitude"}


def test_space_infrared_reports_the_glider_at_launch():
    """Its boost is a rocket's: a space infrared sensor cues on it as on a ballistic
    missile (the glider is then seen by radar only over the horizon, test_glide.py)."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["sensors"] = [{"id": "sbirs", "nation": "USA", "type": "space early warning"}]
    loaded = load_text(yaml.safe_dump(data, sort_keys=False))
    from hoplon.compile.raids import expand_raids, targets

    threats = expand_raids(loaded, loaded.spec.threats, targets(loaded), 0.0)
    assert all(threats.ballistic)  # boosted: reported by space infrared at launch


def _with_glider(tmp_path: Path, **fields: object) -> Path:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["catalog"]["threats"] = {"notional hypersonic glide vehicle": dict(fields)}
    path = tmp_path / "glider.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"glide_altitude_km": 75}, "glide_altitude_km"),
        ({"glide_altitude_km": 20}, "glide_altitude_km"),
        ({"lift_to_drag": 0.5}, "lift_to_drag"),
        ({"terminal_speed_kms": 9}, "terminal_speed_kms"),
        ({"cross_range_km": -5}, "cross_range_km"),
    ],
)
def test_glider_fields_out_of_range_are_refused(tmp_path, fields, words):
    code, err = _invoke(["validate", str(_with_glider(tmp_path, **fields))])
    assert code == 2, err
    assert "Traceback" not in err
    assert words in err, err


def test_a_launch_point_beyond_the_gliders_reach_is_refused(tmp_path):
    """At L/D 1 a glider reaches about 14,600 km from below circular speed; a launch
    point 19,000 km out is refused at the raid's from, even within its max_range_km."""
    path = _with_glider(tmp_path, lift_to_drag=1.0, burn_time_s=0, max_range_km=20000)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["threats"][0]["from"] = [-20.0, -60.0]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, err = _invoke(["validate", str(path)])
    assert code == 2, err
    assert "threats[0].from" in err and "beyond the" in err and "lift-to-drag 1" in err, err


def test_a_new_glider_without_its_glide_fields_is_refused(tmp_path):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["catalog"]["threats"] = {
        "my glider": {
            "class": "hgv", "flight": "glide", "max_range_km": 1000, "burn_time_s": 50,
            "rcs_m2": 0.1, "reliability": 0.9, "unit_cost_usd": 1e7, "cost_year": 2024,
            "source": "notional test entry",
        }
    }  # fmt: skip
    data["threats"][0]["type"] = "my glider"
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, err = _invoke(["validate", str(path)])
    assert code == 2 and "glide_altitude_km" in err and "lift_to_drag" in err, err
