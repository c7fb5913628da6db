"""The Japan example's report opened in real headless Chromium (Debian's ``chromium``).

The page must load with no console errors and no network request at all, and the map
and the charts must have drawn content: written with ``--footprints`` and
``--engagement mrbm-tokyo#1``, so the footprint layer (drawn, and hidden by its switch)
and the engagement view are among them. A screenshot is kept under the test's output
and copied to ``test-output/report.png``.

Needs ``/usr/bin/chromium`` (``make browser-deps`` installs it) and Playwright for
Python (dev extras); never ``playwright install``. A missing browser fails the test
instead of skipping it in CI (``CI`` set) and under ``make test``, which installs
Chromium first and sets ``HOPLON_REQUIRE_BROWSER=1``; a bare ``pytest`` skips it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
JAPAN = REPO / "examples" / "japan-layered-bmd.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")

pytestmark = pytest.mark.browser


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: run `make browser-deps`"
    if os.environ.get("CI") or os.environ.get("HOPLON_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def japan_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Japan example's report, written by the real CLI with few trials."""
    out = tmp_path_factory.mktemp("report") / "japan-report.html"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "hoplon", "report", str(JAPAN), "-o", str(out)),
            *("--trials", "500", "--footprints", "--engagement", "mrbm-tokyo#1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stderr
    return out


@pytest.mark.timeout(300)
def test_report_renders_offline_in_chromium(japan_report: Path, tmp_path: Path) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    console_errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: console_errors.append(str(exc)))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(japan_report.as_uri(), wait_until="load")
            page.wait_for_timeout(300)

            # Every drawn chart: its container, and how many shapes it drew with a size.
            drawn = page.evaluate(
                """() => Array.from(document.querySelectorAll('[data-chart]')).map(box => {
                    const shapes = Array.from(box.querySelectorAll(
                        'svg path, svg rect, svg circle, svg line'));
                    const sized = shapes.filter(el => {
                        const b = el.getBBox();
                        return b.width > 0 || b.height > 0;
                    });
                    const r = box.getBoundingClientRect();
                    return {id: box.dataset.chart, shapes: sized.length,
                            width: r.width, height: r.height};
                })"""
            )
            land = page.evaluate(
                "() => (document.querySelector('#scenario-map .land')"
                " ?.getAttribute('d') || '').length"
            )
            envelopes = page.locator("#scenario-map .envelope").count()
            tracks = page.locator("#scenario-map .track").count()
            coverage = page.locator("#scenario-map .coverage").count()
            footprint_area = page.evaluate(
                """() => Array.from(document.querySelectorAll('#scenario-map .footprint'))
                    .map(el => { const b = el.getBBox(); return b.width * b.height; })"""
            )
            page.locator('[data-toggle="footprints"]').uncheck()
            footprints_hidden = page.evaluate(
                "() => getComputedStyle(document.querySelector("
                "'#scenario-map [data-layer=\"footprints\"]')).display"
            )
            page.locator('[data-toggle="footprints"]').check()
            title = page.title()

            # The layer switch works (script runs) and is undone.
            page.locator('[data-toggle="envelopes"]').uncheck()
            hidden = page.evaluate(
                "() => getComputedStyle(document.querySelector("
                "'#scenario-map [data-layer=\"envelopes\"]')).display"
            )
            page.locator('[data-toggle="envelopes"]').check()

            # The top of the page on a laptop screen: title, headline figures and the map.
            shot = tmp_path / "report.png"
            box = page.locator("#scenario-map").bounding_box()
            assert box is not None
            bottom = box["y"] + box["height"] + 12
            page.screenshot(
                path=str(shot),
                full_page=True,
                clip={"x": 0, "y": 0, "width": 1280, "height": bottom},
            )
            full = tmp_path / "report-full.png"
            page.screenshot(path=str(full), full_page=True)
        finally:
            browser.close()

    keep = REPO / "test-output"
    keep.mkdir(exist_ok=True)
    shutil.copy(shot, keep / "report.png")
    shutil.copy(full, keep / "report-full.png")

    assert console_errors == []
    remote = [u for u in requests if not u.startswith(LOCAL_SCHEMES)]
    assert remote == [], f"the report made network requests: {remote}"
    assert title.startswith("Japan layered BMD")
    # The defended footprints (MRBM from 40.0, 127.5; SRBM from 38.5, 126.5): drawn, and
    # their layer switch hides them.
    assert len(footprint_area) == 2 and all(a > 1000 for a in footprint_area)
    assert footprints_hidden == "none"

    by_id = {d["id"]: d for d in drawn}
    assert "map" in by_id
    assert by_id["map"]["shapes"] > 20 and by_id["map"]["width"] > 600
    assert land > 1000, "no coastlines drawn"
    assert envelopes >= 5 and tracks == 4 and coverage >= 2
    assert hidden == "none"
    charts = [d for d in drawn if d["id"] != "map" and d["shapes"] > 0 and d["height"] > 50]
    assert len(charts) >= 4, drawn
    for expected in ("target-leak", "threat-leak", "spend-by-nation", "timeline", "engagement"):
        assert by_id[expected]["shapes"] > 0, expected
    assert shot.stat().st_size > 20_000
