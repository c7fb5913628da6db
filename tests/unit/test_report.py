"""The HTML report: self-contained, complete, and safe with hostile scenario text."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from hoplon.api import Result, Scenario
from hoplon.cli import main
from hoplon.geodata import decode_arcs, land_rings, topology_rings
from hoplon.present.html import render_compare_report, render_report, render_sweep_report
from hoplon.present.html.basemap import clip_ring
from hoplon.present.html.mapview import frame_for, geodesic_circle
from hoplon.present.html.svg import nice_ticks
from hoplon.present.text import fmt_percent, fmt_usd
from hoplon.scenario.loader import load_data

REPO = Path(__file__).resolve().parents[2]
JAPAN = REPO / "examples" / "japan-layered-bmd.yaml"
SM3 = REPO / "examples" / "sm3-block-iia-burden-sharing.yaml"

# Resources a page would load: scripts, stylesheets, images, frames, CSS imports and urls.
LOADED = [
    re.compile(r"<script[^>]*\ssrc\s*=", re.I),
    re.compile(r"<link[^>]*\shref\s*=", re.I),
    re.compile(r"<(img|iframe|embed|source|video|audio|object)[^>]*\s(src|data)\s*=", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"""url\(\s*['"]?(?!#)""", re.I),  # only same-document url(#id) references
    re.compile(r"""<image[^>]*href\s*=\s*['"](?!#|data:)""", re.I),
]


def _japan_raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(JAPAN.read_text(encoding="utf-8"))
    return raw


def _run(raw: dict[str, Any], trials: int = 300) -> Result:
    return Scenario(load_data(raw)).run(trials=trials, seed=3, workers=1)


@pytest.fixture(scope="module")
def japan_result() -> Result:
    return _run(_japan_raw())


@pytest.fixture(scope="module")
def japan_html(japan_result: Result) -> str:
    return render_report(japan_result)


def test_loads_nothing_from_anywhere(japan_html: str) -> None:
    for pattern in LOADED:
        assert pattern.search(japan_html) is None, pattern.pattern
    # Network addresses may appear only as plain links in the footer's source notes.
    body, _, footer = japan_html.partition("<footer>")
    assert "http://" not in body and "https://" not in body
    for url in re.findall(r"https?://[^\s\"'<>]+", footer):
        assert re.search(rf'<a href="{re.escape(url)}"', footer), url


def test_every_section_and_chart_is_there(japan_html: str) -> None:
    for section in ("summary", "map", "leaks", "gaps", "spend", "timeline", "scenario", "threats"):
        assert f'id="{section}"' in japan_html, section
    for chart in (
        "map",
        "target-leak",
        "threat-leak",
        "kills-by-unit",
        "spend-by-nation",
        "shots-by-interceptor",
        "timeline",
    ):
        assert f'data-chart="{chart}"' in japan_html, chart
    # Headline figures with their intervals.
    assert "P(no leaker)" in japan_html and "95% CI" in japan_html
    # The map: coastlines, one envelope per unit and interceptor type, one track per raid.
    land = re.search(r'class="land" d="([^"]*)"', japan_html)
    assert land is not None and len(land.group(1)) > 1000
    assert japan_html.count('class="envelope"') == 6
    assert japan_html.count('class="track"') == 4
    assert japan_html.count('class="coverage"') == 2  # the two scenario radars
    # Scenario content: nations and agreements in words.
    assert "United States" in japan_html
    assert "USA shares fire-control tracks with JPN (4 s latency)" in japan_html
    # The print layout.
    assert "@media print" in japan_html and "break-before: page" in japan_html
    assert japan_html.count("<svg") >= 7


def test_scenario_text_is_escaped() -> None:
    raw = _japan_raw()
    raw["name"] = "<script>alert('name')</script> & co"
    raw["description"] = 'A "quoted" <b>description</b> <img src=x onerror=alert(1)>'
    raw["nations"]["JPN"]["name"] = "Japan<script>alert(2)</script>"
    html = render_report(_run(raw, trials=50))
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b>description" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; co" in html
    assert "Japan&lt;script&gt;alert(2)&lt;/script&gt;" in html
    # Exactly one script element: the report's own.
    assert html.count("<script") == 1


def test_a_planned_run_says_in_the_header_how_good_its_plan_is() -> None:
    raw = _japan_raw()
    raw["doctrine"]["assignment"] = "planned"
    result = _run(raw, trials=50)
    (plan,) = result.plan()
    html = render_report(result)
    assert "Plan: optimal (within the solver&#39;s tolerance" in html
    assert f"{plan['interceptors']} interceptors planned" in html
    assert "Plan: " not in render_report(_run(_japan_raw(), trials=50))


def test_the_campaign_costs_the_note_refers_to_are_in_the_report() -> None:
    raw = yaml.safe_load((REPO / "examples" / "japan-campaign-costs.yaml").read_text("utf-8"))
    result = _run(raw, trials=100)
    costs = result.to_dict()["campaign_costs"]
    html = render_report(result)
    base = costs["base_year"]
    assert f"the campaign costs below are in constant {base} dollars" in html
    assert f"Campaign costs, constant {base} dollars" in html
    assert f"Cost-exchange ratio {costs['cost_exchange_ratio']['mean']:.2f}" in html
    for row in costs["spend_by_nation_interceptor"]:
        assert f'<td class="num">{fmt_usd(row["spend_usd"]["mean"])}</td>' in html
    # the attacker's spend and the replacement years, which only the terminal had
    assert f"Attacker spend, constant {base} dollars" in html
    for t in costs["threats"]:
        assert f'<tr><td>{t["type"]}</td><td class="num">{t["count"]:,}</td>' in html
    assert "Years to replace what the campaign expended" in html
    for r in costs["replacement"]:
        assert f'<td class="num">{r["units_per_year"]:,.1f}</td>' in html, r
    assert "Campaign costs, constant" not in render_report(_run(_japan_raw(), trials=50))


def test_threats_no_unit_can_engage_are_listed() -> None:
    raw = _japan_raw()
    # Sapporo is far beyond every Patriot, and SM-3 is spent on nothing aimed at it: it is
    # out of every envelope once the Aegis ships are removed.
    raw["assets"].append({"id": "sapporo", "nation": "JPN", "kind": "city", "at": [43.06, 141.35]})
    raw["units"] = [u for u in raw["units"] if not u["id"].startswith("ddg-")]
    raw["threats"].append(
        {"id": "mrbm-sapporo", "type": "notional MRBM", "from": [40.0, 127.5], "target": "sapporo"}
    )
    result = _run(raw, trials=100)
    gaps = [t["id"] for t in result.to_dict()["threats"] if not t["engageable_by"]]
    assert "mrbm-sapporo#1" in gaps
    html = render_report(result)
    gap_box = html[html.index('id="gaps"') : html.index('data-chart="target-leak"')]
    assert "no unit can engage" in gap_box
    assert "mrbm-sapporo#1" in gap_box
    assert 'class="gap"' in html  # and marked in the table of every threat


def test_coalition_block_renders_as_a_chart(japan_result: Result) -> None:
    coalition = {
        "metric": "value_protected",
        "shapley": {
            "JPN": {"mean": 0.6, "ci95": [0.58, 0.62]},
            "USA": {"mean": 0.14, "ci95": [0.12, 0.16]},
        },
    }
    html = render_report(japan_result, coalition=coalition)
    assert 'data-chart="coalition"' in html and 'id="coalition"' in html
    assert "JPN: 60%" in html  # a bar's tooltip
    assert 'data-chart="coalition"' not in render_report(japan_result)
    # The whole result of a coalition analysis: agreements' values and every subset too.
    full = {
        **coalition,
        "value_all": 0.74,
        "value_none": 0.0,
        "method": "exact",
        "subsets": [
            {"nations": [], "value": 0.0},
            {"nations": ["JPN"], "value": 0.6},
            {"nations": ["JPN", "USA"], "value": 0.74},
        ],
        "agreements": [
            {
                "index": 0,
                "kind": "track-sharing",
                "description": "USA → JPN tracks",
                "contribution": {"mean": 0.05, "ci95": [0.04, 0.06]},
            }
        ],
    }
    html = render_report(japan_result, coalition=full)
    assert 'data-chart="coalition-agreements"' in html
    assert "74% with every nation" in html and "Every coalition" in html


def test_burden_sharing_tables_when_the_scenario_has_economics(tmp_path: Path) -> None:
    raw = yaml.safe_load(SM3.read_text(encoding="utf-8"))
    html = render_report(_run(raw, trials=20), tmp_path / "econ.html")
    assert (tmp_path / "econ.html").read_text(encoding="utf-8") == html
    assert 'id="economics"' in html
    assert "Program: SM-3 Block IIA cooperative development" in html
    assert 'data-chart="map"' not in html  # nothing placed: no map


def test_sweep_report_draws_curves_with_bands(tmp_path: Path) -> None:
    def est(m: float, w: float) -> dict[str, Any]:
        return {"mean": m, "ci95": [m - w, m + w]}

    sweep = {
        "sweep": {"set": {"threats[0].count": [1, 5, 10]}},
        "scenario": {"name": "Japan <sweep>"},
        "points": [
            {
                "overrides": {"threats[0].count": n},
                "metrics": {
                    "p_no_leak": est(1 - n / 20, 0.02),
                    "expected_leakers": est(n / 10, 0.05),
                    "value_protected": est(1 - n / 40, 0.01),
                    "interceptor_cost_usd": est(1e7 * n, 1e5),
                },
            }
            for n in (10, 1, 5)
        ],
    }
    html = render_sweep_report(sweep, tmp_path / "sweep.html")
    assert html.count('class="band"') == 4
    assert 'data-chart="sweep-p_no_leak"' in html
    assert "Japan &lt;sweep&gt;" in html
    for pattern in LOADED:
        assert pattern.search(html) is None
    # A grid over two paths: one line per value of the second.
    grid = copy.deepcopy(sweep)
    grid["sweep"]["set"]["doctrine.shots_per_engagement"] = [1, 2]
    grid["points"] = [
        {**p, "overrides": {**p["overrides"], "doctrine.shots_per_engagement": s}}
        for p in sweep["points"]
        for s in (1, 2)
    ]
    assert render_sweep_report(grid).count('class="band"') == 8


def test_compare_report_shows_each_scenario(tmp_path: Path) -> None:
    compare = {
        "scenarios": [{"name": "baseline"}, "with Aegis Ashore"],
        "metrics": {
            "p_no_leak": [{"mean": 0.2, "ci95": [0.18, 0.22]}, {"mean": 0.5, "ci95": [0.47, 0.53]}],
            "expected_leakers": [
                {"mean": 1.9, "ci95": [1.8, 2.0]},
                {"mean": 0.9, "ci95": [0.8, 1]},
            ],
        },
    }
    compare["differences"] = {
        "p_no_leak": [
            {"scenario": 1, "diff": 0.3, "ci95": [0.26, 0.34], "p_value": 1e-9, "significant": True}
        ]
    }
    html = render_compare_report(compare, tmp_path / "compare.html")
    assert "baseline" in html and "with Aegis Ashore" in html
    assert "Differences from baseline" in html and "+30 pp" in html
    assert 'data-chart="compare-p_no_leak"' in html
    assert 'data-chart="compare-expected_leakers"' in html


def test_cli_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deep" / "japan.html"
    with pytest.raises(SystemExit) as done:
        main(["report", str(JAPAN), "-o", str(out), "--trials", "200", "--workers", "1"])
    assert done.value.code == 0
    assert out.stat().st_size > 50_000
    assert "wrote" in capsys.readouterr().err

    compare = tmp_path / "compare.json"
    compare.write_text(
        json.dumps({"scenarios": ["a", "b"], "metrics": {"p_no_leak": [{"mean": 0.1}] * 2}})
    )
    with pytest.raises(SystemExit) as done:
        main(["report", str(compare), "-o", str(tmp_path / "c.html")])
    assert done.value.code == 0

    bad = tmp_path / "bad.json"
    bad.write_text('{"something": 1}')
    with pytest.raises(SystemExit) as done:
        main(["report", str(bad), "-o", str(tmp_path / "bad.html")])
    assert done.value.code == 2
    assert "hoplon sweep --json" in capsys.readouterr().err


# ------------------------------------------------------------------ map and chart parts


def test_topojson_arcs_decode_with_the_quantisation_transform() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
        "objects": {"land": {"type": "Polygon", "arcs": [[0, 1]]}},
    }
    arcs = decode_arcs(topology)
    np.testing.assert_allclose(arcs[0], [[10, 20], [11, 20], [11, 21]])
    rings = topology_rings(topology, "land")
    np.testing.assert_allclose(rings[0], [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]])
    # ~0 is arc 0 reversed.
    topology["objects"]["land"] = {"type": "MultiPolygon", "arcs": [[[~1, ~0]]]}
    np.testing.assert_allclose(topology_rings(topology, "land")[0][0], [10, 20])


def test_clip_ring_keeps_the_part_inside() -> None:
    square = np.array([[0, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    clipped = clip_ring(square, 2, 1, 10, 3)
    assert clipped[:, 0].min() == 2 and clipped[:, 0].max() == 4
    assert clipped[:, 1].min() == 1 and clipped[:, 1].max() == 3
    assert clip_ring(square, 5, 5, 6, 6).shape == (0, 2)


def test_shipped_land_covers_japan_and_not_the_pacific() -> None:
    rings = land_rings()
    assert len(rings) > 1000
    near_tokyo = [
        r for r in rings if (np.abs(r[:, 0] - 139.7) + np.abs(r[:, 1] - 35.7)).min() < 0.5
    ]
    assert near_tokyo
    mid_pacific = [r for r in rings if (np.abs(r[:, 0] + 150) + np.abs(r[:, 1] - 30)).min() < 2]
    assert mid_pacific == []


def test_frame_and_circles() -> None:
    frame = frame_for([127.5, 139.7], [33.6, 40.0])
    assert frame.lon0 < 127.5 and frame.lon1 > 139.7 and frame.lat0 < 33.6 and frame.lat1 > 40
    assert 0.5 * frame.width <= frame.height <= 0.7 * frame.width + 1e-6
    # Across the 180th meridian the frame stays in one piece.
    wrap = frame_for([179.0, -179.0], [10.0, 11.0])
    assert wrap.lon1 - wrap.lon0 < 10
    lon, lat = geodesic_circle(35.0, 135.0, 100_000.0)
    assert abs(lat.max() - 35.0 - 100 / 111.0) < 0.02
    lon, lat = geodesic_circle(35.0, 135.0, 100_000.0, 80, 100)
    assert lon[0] == 135.0 and lon[-1] == 135.0  # a sector closes through its centre


def test_formatters_and_ticks() -> None:
    assert fmt_percent(0.0175) == "1.8%" and fmt_percent(0.5) == "50%"
    # just short of 100 %, never shown as 100 %
    assert fmt_percent(0.9958) == "99.6%" and fmt_percent(0.99996) == "99.996%"
    assert fmt_percent(0.994) == "99%" and fmt_percent(1.0) == "100%"
    assert fmt_usd(2.79e8) == "$279M" and fmt_usd(1.2e9) == "$1.2B"
    # a value that rounds up into the next unit is written in it ("$1e+03M" before)
    assert fmt_usd(999.7e6) == "$1B" and fmt_usd(999.6e3) == "$1M" and fmt_usd(999.5) == "$1k"
    assert fmt_usd(999.4e6) == "$999M" and fmt_usd(1.5e12) == "$1.5T"
    assert all("e+" not in fmt_usd(10.0**k * m) for k in range(14) for m in (0.9996, 1, 9.9996))
    ticks = nice_ticks(0.0, 0.93)
    assert ticks[0] == 0 and ticks[-1] >= 0.93 and len(ticks) <= 8


def test_a_coalition_of_up_to_twelve_nations_has_a_colour_each() -> None:
    from hoplon.present.html.mapview import nation_colors

    raw = _japan_raw()
    codes = ["POL", "USA", "DEU", "GBR", "FRA", "LTU", "LVA", "EST", "NOR", "NLD", "DNK"]
    for code in codes:
        raw["nations"].setdefault(code, {"name": code})
    loaded = load_data(raw)
    colours = nation_colors(loaded)
    assert len(colours) == 12 and len(set(colours.values())) == 12


def _chart_fills(html: str, chart: str) -> set[str]:
    start = html.index(f'data-chart="{chart}"')
    end = html.find("data-chart=", start + 1)
    return set(re.findall(r'fill="(#[0-9a-fA-F]{6})"', html[start : end if end > 0 else None]))


def test_an_interceptor_type_has_one_colour_in_every_chart(japan_html: str) -> None:
    # the spend chart coloured by type and the fired chart by tier used to disagree:
    # SM-3 Block IIA and IB were two colours in one chart and one in the other
    from hoplon.catalog import builtin_catalog
    from hoplon.present.html.mapview import TIER_COLORS
    from hoplon.present.html.sections import type_colors

    names = ["SM-3 Block IIA", "SM-3 Block IB", "PAC-3 MSE"]
    colors = type_colors(names, builtin_catalog())
    assert colors["SM-3 Block IIA"] == TIER_COLORS["upper"]  # the tier's map colour first
    assert colors["SM-3 Block IB"] not in (TIER_COLORS["upper"], TIER_COLORS["lower"])
    assert colors["PAC-3 MSE"] == TIER_COLORS["lower"]
    # every type of the catalog a colour of its own (a tier has up to six types)
    catalog = builtin_catalog()
    every = type_colors(sorted(catalog.interceptors), catalog)
    assert len(set(every.values())) == len(every)
    assert _chart_fills(japan_html, "spend-by-nation") == set(colors.values())
    assert _chart_fills(japan_html, "shots-by-interceptor") == set(colors.values())
