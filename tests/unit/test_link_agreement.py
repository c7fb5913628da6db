"""A `link` agreement is the same as all its pairwise track-sharing agreements."""

from __future__ import annotations

import itertools

import pytest
import yaml

from conftest import EXAMPLES_DIR
from hoplon.api import load
from hoplon.errors import InputError

COALITION = EXAMPLES_DIR / "coalition-defense.yaml"
NATIONS = ["JPN", "USA", "AUS"]


def _with(agreements: list[dict]) -> dict:
    raw = yaml.safe_load(COALITION.read_text(encoding="utf-8"))
    others = [a for a in raw["agreements"] if a["kind"] != "track-sharing"]
    raw["agreements"] = agreements + others
    return raw


def test_a_link_of_three_nations_equals_its_six_pairwise_agreements() -> None:
    link = [{"kind": "link", "members": NATIONS, "quality": "fire-control", "latency_s": 3}]
    pairs = [
        {"kind": "track-sharing", "from": a, "to": b, "quality": "fire-control", "latency_s": 3}
        for a, b in itertools.permutations(NATIONS, 2)
    ]
    assert len(pairs) == 6
    one = load(_with(link)).run(trials=3000, seed=5).to_dict()
    six = load(_with(pairs)).run(trials=3000, seed=5).to_dict()
    assert one["metrics"] == six["metrics"]
    assert one["threats"] == six["threats"]
    # and the link matters: without any sharing the figures differ
    none = load(_with([])).run(trials=3000, seed=5).to_dict()
    assert none["threats"] != one["threats"]


def test_validation_says_what_a_link_expands_to(run_main, tmp_path) -> None:
    path = tmp_path / "link.yaml"
    raw = _with([{"kind": "link", "members": NATIONS, "quality": "early-warning"}])
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    code, out, err = run_main("validate", path)
    assert code == 0, err
    flat = " ".join(out.replace("│", " ").split())  # table cells wrap over lines
    assert "link among JPN, USA, AUS" in flat and "6 track-sharings" in flat, out
    assert "AUS → USA" in flat


def test_a_link_needs_two_different_listed_nations() -> None:
    with pytest.raises(InputError, match="at least two different nations"):
        load(_with([{"kind": "link", "members": ["JPN", "JPN"], "quality": "fire-control"}]))
    with pytest.raises(InputError, match="not listed under `nations`"):
        load(_with([{"kind": "link", "members": ["JPN", "FRA"], "quality": "fire-control"}]))
