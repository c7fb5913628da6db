"""``hoplon results``: a query's rows side by side where they fit, else one row at a time."""

from __future__ import annotations

import io

from rich.console import Console

from hoplon.present.studies import print_query


def _printed(columns: list[str], rows: list[list[object]], width: int) -> str:
    buf = io.StringIO()
    print_query(columns, rows, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def test_a_wide_row_is_shown_as_field_and_value_lines() -> None:
    columns = [f"metric_number_{j}" for j in range(30)]
    rows = [[j * 0.5 for j in range(30)], [j * 1.5 for j in range(30)]]
    text = _printed(columns, rows, 80)
    assert "row 1 of 2" in text and "row 2 of 2" in text
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    # each field whole on its own line, beside its value
    assert any("metric_number_29" in line and "14.5" in line for line in lines)
    assert any("metric_number_29" in line and "43.5" in line for line in lines)


def test_rows_that_fit_stay_one_table() -> None:
    text = _printed(
        ["kind", "trials", "p_no_leak"], [["run", 500, 0.018], ["sweep", 1000, 0.5]], 80
    )
    assert "row 1 of" not in text
    header = next(line for line in text.splitlines() if "kind" in line)
    assert "trials" in header and "p_no_leak" in header
