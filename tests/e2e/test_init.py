"""``hoplon init``: every template writes a scenario that validates and runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoplon.cli.commands.init import TEMPLATES


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_each_template_validates_and_runs(run_main, tmp_path: Path, template: str) -> None:
    path = tmp_path / f"{template}.yaml"
    code, _, err = run_main("init", path, "--template", template)
    assert code == 0, err
    assert path.read_text(encoding="utf-8").startswith("# A starter scenario")
    code, out, err = run_main("validate", path)
    assert code == 0, err
    code, out, err = run_main("run", path, "--trials", "500", "--no-store", "--json")
    assert code == 0, err
    assert json.loads(out)["metrics"]["p_no_leak"]["mean"] is not None


def test_init_refuses_to_replace_a_file_and_an_unknown_template(run_main, tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("my own work\n", encoding="utf-8")
    code, _, err = run_main("init", path)
    assert code == 2 and "--force" in err
    assert path.read_text(encoding="utf-8") == "my own work\n"
    code, _, err = run_main("init", path, "--force", "--template", "ship")
    assert code == 0 and "ESSM" in path.read_text(encoding="utf-8")
    code, _, err = run_main("init", tmp_path / "x.yaml", "--template", "shp")
    assert code == 2 and "did you mean 'ship'" in err and "Traceback" not in err
