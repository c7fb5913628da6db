"""Value protected: which targets count, and `value_protected_attacked` (attacked only)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console

from hoplon.api import Scenario
from hoplon.scenario import load_text

#: One raid on tokyo (value 100), defended by a Patriot battery (a unit of value 7 that
#: no raid targets); osaka (value 50) is not attacked.
SCENARIO = """\
hoplon: 1
name: Value basis
trials: 3000
seed: 3
nations:
  JPN: {name: Japan}
assets:
  - {id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69], value: 100}
  - {id: osaka, nation: JPN, kind: city, at: [34.69, 135.50], value: 50}
units:
  - {id: patriot-tokyo, nation: JPN, type: Patriot battery, at: [35.69, 139.75], value: 7,
     magazine: {PAC-3 MSE: 4}}
threats:
  - {id: mrbm-tokyo, type: notional MRBM, from: [40.0, 127.5], target: tokyo, count: 2}
"""


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return Scenario(load_text(SCENARIO, "value-basis.yaml")).run()


def test_value_protected_counts_unattacked_assets_and_the_attacked_metric_does_not(
    result,  # type: ignore[no-untyped-def]
) -> None:
    data = result.to_dict()
    tokyo_hit = result.outcomes.leaked.any(axis=1)  # every threat aims at tokyo
    assert 0.05 < tokyo_hit.mean() < 0.95  # some trials clear, some not
    vp = data["metrics"]["value_protected"]["mean"]
    vpa = data["metrics"]["value_protected_attacked"]["mean"]
    # all assets: tokyo 100 + osaka 50 (the untargeted unit does not count)
    assert vp == pytest.approx(1.0 - 100.0 / 150.0 * tokyo_hit.mean(), abs=1e-6)
    # attacked only: tokyo alone
    assert vpa == pytest.approx(1.0 - tokyo_hit.mean(), abs=1e-6)
    low, high = data["metrics"]["value_protected_attacked"]["ci95"]
    assert low <= vpa <= high and high - low > 0


def test_the_json_says_which_targets_each_metric_counts(result) -> None:  # type: ignore[no-untyped-def]
    basis = result.to_dict()["value_basis"]
    assert basis["value_protected"]["targets"] == ["tokyo", "osaka"]
    assert basis["value_protected"]["total_value"] == 150.0
    assert "unattacked asset counts as protected" in basis["value_protected"]["rule"]
    assert "units no raid targets do not count" in basis["value_protected"]["rule"]
    assert basis["value_protected_attacked"]["targets"] == ["tokyo"]
    assert basis["value_protected_attacked"]["total_value"] == 100.0


def test_the_terminal_table_shows_both_and_says_what_counts(result) -> None:  # type: ignore[no-untyped-def]
    from hoplon.present.terminal import print_result

    buf = io.StringIO()
    print_result(result.to_dict(), Console(file=buf, width=200, color_system=None))
    text = " ".join(buf.getvalue().split())
    assert "value protected (all assets)" in text
    assert "value protected (attacked only)" in text
    assert "an unattacked asset counts as protected" in text
    assert "tokyo, osaka (total value 150)" in text
    # the list is of the targets counted: it does not follow "do not count" as if it
    # named the ones left out
    assert "It counts tokyo, osaka (total value 150)" in text
    assert "do not count: tokyo" not in text
    # what dollars the spend is in (no economics: section here, so no base year)
    assert "in dollars of its own cost year (an economics: section puts them" in text


def test_the_report_shows_both_and_says_what_counts(result) -> None:  # type: ignore[no-untyped-def]
    from hoplon.present.html.render import render_report

    html = render_report(result)
    assert "Value protected (attacked)" in html
    assert "attacked targets only" in html
    assert "an unattacked asset counts as protected" in html
    assert "in dollars of its own cost year" in html


def test_every_target_attacked_gives_the_same_figure() -> None:
    text = SCENARIO.replace(
        "  - {id: osaka, nation: JPN, kind: city, at: [34.69, 135.50], value: 50}\n", ""
    )
    data = Scenario(load_text(text)).run(trials=500).to_dict()
    m = data["metrics"]
    assert m["value_protected"] == m["value_protected_attacked"]
    assert np.isclose(data["value_basis"]["value_protected"]["total_value"], 100.0)


def test_with_economics_the_money_line_names_the_base_year() -> None:
    from hoplon.present.text import money_basis_text

    assert money_basis_text({"campaign_costs": {"base_year": 2025}}).endswith(
        "; the campaign costs below are in constant 2025 dollars."
    )
