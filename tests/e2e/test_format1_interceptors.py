"""Format-1 files: a new interceptor without `tier` validates (the tier is inferred from
its envelope and validate says so), and one mistake in a new entry gives one message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hoplon.catalog import builtin_raw
from hoplon.scenario import load_text

#: A format-1 scenario (no extension used) defining a new exo-atmospheric interceptor
#: with every field format 1 lists for an interceptor, and no `tier`.
FORMAT_1 = """\
hoplon: 1
name: Format 1 with a new interceptor
trials: 500
nations:
  JPN: {name: Japan}
assets:
  - {id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69], value: 100}
units:
  - id: ddg-atago
    nation: JPN
    type: Aegis BMD destroyer
    at: [37.8, 134.0]
    magazine: {Notional exo interceptor: 4}
threats:
  - {id: mrbm-tokyo, type: notional MRBM, from: [40.0, 127.5], target: tokyo, count: 2}
catalog:
  interceptors:
    Notional exo interceptor:
      min_range_km: 0
      max_range_km: 900
      min_alt_km: 80
      max_alt_km: 600
      avg_speed_kms: 3.0
      sspk: {srbm: 0.7, mrbm: 0.7}
      reliability: 0.9
      unit_cost_usd: 12000000
      cost_year: 2024
      producers: [JPN]
      source: notional entry for a test of format 1
"""


def test_format1_new_interceptor_without_tier_validates_with_an_inferred_tier() -> None:
    loaded = load_text(FORMAT_1, "format1.yaml")
    assert loaded.catalog.interceptors["Notional exo interceptor"].tier == "upper"
    assert len(loaded.notes) == 1
    note = loaded.notes[0]
    assert note.startswith("format1.yaml:")
    assert "catalog.interceptors.Notional exo interceptor.tier" in note
    assert "inferred 'upper'" in note and "80 km" in note


def test_validate_says_the_tier_was_inferred(tmp_path: Path, run_main) -> None:
    path = tmp_path / "format1.yaml"
    path.write_text(FORMAT_1, encoding="utf-8")
    code, out, err = run_main("validate", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert "no tier given: inferred 'upper' from the envelope" in text
    assert "exo-atmospheric" in text


def test_a_given_tier_is_kept() -> None:
    text = FORMAT_1.replace("      source: notional", "      tier: high\n      source: notional")
    loaded = load_text(text)
    assert loaded.catalog.interceptors["Notional exo interceptor"].tier == "high"
    assert loaded.notes == ()


@pytest.mark.parametrize("name", list(builtin_raw()["interceptors"]))
def test_the_rule_gives_every_builtin_interceptor_its_stated_tier(name: str) -> None:
    from hoplon.catalog.models import infer_tier

    fields = dict(builtin_raw()["interceptors"][name])
    stated = fields.pop("tier")
    inferred = infer_tier(fields)
    assert inferred is not None and inferred[0] == stated


@pytest.mark.parametrize(
    ("envelope", "tier"),
    [
        ({"min_alt_km": 50, "max_alt_km": 60}, "upper"),
        ({"min_alt_km": 49.9, "max_alt_km": 60}, "high"),
        ({"min_alt_km": 0.01, "max_alt_km": 39.9, "sspk": {"icbm": 0.2}}, "lower"),
        ({"min_alt_km": 0.01, "max_alt_km": 39.9, "sspk": {"cruise": 0.7}}, "point"),
    ],
)
def test_the_rule_at_its_thresholds(envelope: dict[str, object], tier: str) -> None:
    from hoplon.catalog.models import infer_tier

    inferred = infer_tier(envelope)
    assert inferred is not None and inferred[0] == tier


def test_a_new_interceptor_missing_sspk_gives_one_message(tmp_path: Path, run_main) -> None:
    raw = yaml.safe_load(FORMAT_1)
    del raw["catalog"]["interceptors"]["Notional exo interceptor"]["sspk"]
    # name it a second time, in an agreement, as the format allows
    raw["nations"]["USA"] = {"name": "United States"}
    raw["agreements"] = [
        {"kind": "technology-transfer", "origin": "JPN", "recipient": "USA",
         "items": ["Notional exo interceptor"]}
    ]  # fmt: skip
    path = tmp_path / "no-sspk.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    code, out, err = run_main("validate", path)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "catalog.interceptors.Notional exo interceptor.sspk" in lines[0]
    assert "required for a new interceptor entry" in lines[0]
    assert "not a catalog interceptor" not in err


def test_a_new_interceptor_with_a_broken_envelope_gives_no_tier_message(run_main) -> None:
    raw = yaml.safe_load(FORMAT_1)
    del raw["catalog"]["interceptors"]["Notional exo interceptor"]["min_alt_km"]
    from hoplon.errors import InputError

    with pytest.raises(InputError) as info:
        load_text(yaml.safe_dump(raw, sort_keys=False), "broken.yaml")
    fields = [p.field for p in info.value.problems]
    assert fields == ["catalog.interceptors.Notional exo interceptor.min_alt_km"]
