"""Text from scenario files and the command line is printed as text, never as markup.

Every command is run on a scenario built for the test whose name, description, nation
names and program names hold rich markup (``[/bold]``, ``[/]``, ``[link=...]``), an emoji
code (``:100:``) and a terminal escape sequence (``ESC [31m``). Each must appear as
written (the escape shown as ``\\x1b``), with the command's normal exit, and no raw
escape character may reach the terminal.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from conftest import EXAMPLES_DIR

ESC = "\x1b"
EVIL = f"x [/bold] y [/] [link=https://evil.example]click[/link] :100: {ESC}[31mred"
#: What must be printed verbatim (the escape character shown as the four characters \x1b).
SHOWN = ("[/bold]", "[/]", "[link=https://evil.example]click[/link]", ":100:", "\\x1b[31mred")


def _evil_scenario(folder: Path, name: str = "evil.yaml", tag: str = "") -> Path:
    raw = yaml.safe_load((EXAMPLES_DIR / "coalition-defense.yaml").read_text(encoding="utf-8"))
    econ = yaml.safe_load(
        (EXAMPLES_DIR / "sm3-block-iia-burden-sharing.yaml").read_text(encoding="utf-8")
    )["economics"]
    econ["programs"][0]["name"] = EVIL
    raw["economics"] = econ
    raw["name"] = EVIL + tag
    raw["description"] = EVIL
    for nation in raw["nations"].values():
        nation["name"] = EVIL
    raw["trials"] = 400
    path = folder / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _shown_verbatim(text: str, tokens: tuple[str, ...] = SHOWN) -> None:
    assert ESC not in text, "a raw escape character reached the terminal"
    assert "\U0001f4af" not in text, "an emoji code was substituted"
    assert "\x1b]8;" not in text, "a hidden hyperlink was emitted"
    for token in tokens:
        assert token in text, f"{token!r} not printed verbatim in:\n{text}"


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    return _evil_scenario(tmp_path)


def test_the_scenario_holds_the_injections(evil: Path):
    from hoplon.scenario import load_scenario

    loaded = load_scenario(evil)
    assert loaded.spec.name == EVIL
    assert ESC in loaded.spec.description


def test_validate_prints_names_verbatim(run_main, evil: Path):
    code, out, err = run_main("validate", evil)
    assert code == 0, err
    _shown_verbatim(out + err)


def test_run_prints_names_verbatim(run_main, evil: Path):
    code, out, err = run_main("run", evil, "--trials", "300", "--workers", "1", "--no-store")
    assert code == 0, err
    _shown_verbatim(out + err)


def test_coalition_prints_names_verbatim(run_main, evil: Path):
    code, out, err = run_main("coalition", evil, "--trials", "200", "--workers", "1")
    assert code == 0, err
    _shown_verbatim(out + err)


def test_econ_prints_names_verbatim(run_main, evil: Path):
    code, out, err = run_main("econ", evil)
    assert code == 0, err
    _shown_verbatim(out + err)


def test_compare_prints_names_verbatim(run_main, evil: Path, tmp_path: Path):
    other = _evil_scenario(tmp_path, "evil-b.yaml", tag=" B")
    code, out, err = run_main(
        "compare", evil, other, "--trials", "200", "--workers", "1", "--no-store"
    )
    assert code == 0, err
    _shown_verbatim(out + err)


def test_sweep_and_results_print_names_verbatim(run_main, evil: Path, tmp_path: Path):
    store = tmp_path / "store"
    code, out, err = run_main(
        "sweep", evil, "--set", "doctrine.shots_per_engagement=1,2", "--trials", "200", "--workers", "1",
        "--store", store,
    )  # fmt: skip
    assert code == 0, err
    _shown_verbatim(out + err)
    code, out, err = run_main("results", "SELECT scenario FROM results", "--store", store)
    assert code == 0, err
    _shown_verbatim(out + err, ("[/bold]", "[/]", ":100:", "\\x1b[31mred"))


def test_report_keeps_escaping_html(run_main, tmp_path: Path):
    path = _evil_scenario(tmp_path, tag=" <script>alert(1)</script> <b>bold</b>")
    output = tmp_path / "report.html"
    code, out, err = run_main("report", path, "--trials", "200", "--workers", "1", "-o", output)
    assert code == 0, err
    _shown_verbatim(out + err, ())
    html = output.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html or "\\u003cb\\u003ebold" in html


def test_command_line_text_in_an_error_is_shown_verbatim(run_main, evil: Path):
    code, out, err = run_main("run", evil, "--without", f"[/bold]{ESC}[31m:100:", "--no-store")
    assert code == 2
    _shown_verbatim(out + err, ("[/bold]", "\\x1b[31m", ":100:"))
    assert "internal error" not in err


def test_a_file_name_with_markup_is_shown_verbatim(run_main, tmp_path: Path):
    missing = tmp_path / f"[/]{ESC}[31m:100:.yaml"
    code, out, err = run_main("validate", missing)
    assert code == 2
    _shown_verbatim(out + err, ("[/]", "\\x1b[31m", ":100:"))


def test_progress_bars_show_labels_as_text():
    from rich.progress import Progress

    from hoplon.present.terminal import description_column
    from hoplon.safetext import visible

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, emoji=False)
    with Progress(description_column(), console=console, auto_refresh=False) as progress:
        progress.add_task(visible(EVIL), total=10)
        progress.refresh()
    text = buffer.getvalue()
    # The bar's own cursor movements are escapes; the label's must be shown as text.
    assert "[31mred" not in text.replace("\\x1b[31mred", "")
    for token in SHOWN[:4]:
        assert token in text


def test_sweep_progress_shows_the_label_as_text():
    from hoplon.cli.commands.studies import _points_progress

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, emoji=False)
    with _points_progress(console, EVIL) as (start, advance):
        start(2, 0)
        advance(1)
    text = buffer.getvalue()
    assert "[31mred" not in text.replace("\\x1b[31mred", "")
    for token in SHOWN[:4]:
        assert token in text


def test_visible_shows_every_control_character():
    from hoplon.safetext import visible

    assert visible(f"a{ESC}[31mb\x07\x9b\u202e\n") == "a\\x1b[31mb\\x07\\x9b\\u202e\\x0a"
    assert visible("line one\nline two", newlines=True) == "line one\nline two"
    assert visible("ok [b] é ✓") == "ok [b] é ✓"


def test_json_output_is_json_escaped(run_main, evil: Path):
    code, out, _ = run_main(
        "run", evil, "--trials", "200", "--workers", "1", "--json", "--no-store"
    )
    assert code == 0
    assert ESC not in out
    assert json.loads(out)["scenario"]["name"] == EVIL
