"""`hoplon run` and `hoplon coalition` on the bundled examples.

One test runs the real command in a subprocess (its standard output must hold the JSON
and nothing else); the others call the command line in this process (``run_main``),
which is the same code without the start-up of a new interpreter.
"""

from __future__ import annotations

import json

from conftest import EXAMPLES_DIR, run_cli

JAPAN = EXAMPLES_DIR / "japan-layered-bmd.yaml"
SEASPARROW = EXAMPLES_DIR / "seasparrow-ship-defense.yaml"


def _json_run(run_main, *args: str) -> dict:
    code, out, err = run_main("run", *args, "--json", "--no-store")
    assert code == 0, err
    assert "Traceback" not in err
    return json.loads(out)  # stdout holds the JSON and nothing else


def test_run_json_follows_the_result_contract():
    code, out, err = run_cli("run", str(JAPAN), "--trials", "3000", "--workers", "1", "--json")
    assert code == 0 and "Traceback" not in err, err
    result = json.loads(out)  # a real process: its stdout holds the JSON and nothing else
    assert result["contract"] == 1
    assert result["scenario"]["name"] == "Japan layered BMD (notional)"
    assert len(result["scenario"]["sha256"]) == 64
    assert result["seed"] == 7 and result["trials"] == 3000
    m = result["metrics"]
    for key in ("p_no_leak", "expected_leakers", "value_protected", "interceptor_cost_usd"):
        low, high = m[key]["ci95"]
        assert low <= m[key]["mean"] <= high
    assert set(m["leakers_by_target"]) == {"tokyo", "osaka", "fukuoka", "yokosuka"}
    assert set(m["shots_by_interceptor"]) <= {"SM-3 Block IIA", "SM-3 Block IB", "PAC-3 MSE"}
    assert set(m["kills_by_unit"]) == {
        "ddg-atago", "ddg-kongo", "patriot-tokyo", "patriot-osaka", "patriot-fukuoka"
    }  # fmt: skip
    assert m["threat_cost_usd"]["mean"] > 0
    assert m["cost_exchange_ratio"]["mean"] > 0
    assert len(result["threats"]) == 18
    first = result["threats"][0]
    assert first["id"] == "mrbm-tokyo#1" and first["raid"] == "mrbm-tokyo"
    assert first["target"] == "tokyo"
    assert 0 < first["first_track_s"] < first["impact_s"]
    assert "patriot-tokyo" in first["engageable_by"]
    assert set(result["timing"]) >= {"compile_s", "engine_s", "trials_per_s"}


def test_results_identical_for_one_and_two_workers_and_differ_by_seed(run_main):
    # 70,000 trials make three blocks (32,768 trials each at most), spread over two workers
    one = _json_run(run_main, str(JAPAN), "--trials", "70000", "--workers", "1", "--seed", "3")
    two = _json_run(run_main, str(JAPAN), "--trials", "70000", "--workers", "2", "--seed", "3")
    other = _json_run(run_main, str(JAPAN), "--trials", "70000", "--workers", "2", "--seed", "4")
    assert one["metrics"] == two["metrics"]
    assert one["threats"] == two["threats"]
    assert one["metrics"] != other["metrics"]


def test_sea_skimmers_are_seen_late_by_the_ship_and_early_by_the_wedgetail(run_main):
    result = _json_run(run_main, str(SEASPARROW), "--trials", "2000")
    rows = {r["id"]: r for r in result["threats"]}
    ascm = rows["ascm-wave#1"]
    # the Wedgetail's track is shared at fire-control quality, so both ships engage
    assert set(ascm["engageable_by"]) == {"dd-akizuki", "ffh-anzac"}
    assert ascm["first_track_s"] < 30  # seen soon after launch, far beyond the ship's horizon
    without_aus = _json_run(run_main, str(SEASPARROW), "--trials", "2000", "--without", "AUS")
    late = {r["id"]: r for r in without_aus["threats"]}["ascm-wave#1"]
    # the ship's own radar finds a 5 m sea-skimmer only near the 29.8 km horizon
    assert late["first_track_s"] > ascm["first_track_s"] + 200
    assert without_aus["variant"] == ["without the units and sensors of AUS"]


def test_text_table_and_bad_options(run_main):
    code, out, err = run_main("run", str(JAPAN), "--trials", "2000", "--no-store")
    assert code == 0, err
    assert "P(no leaker)" in out and "mrbm-yokosuka#2" in out
    code, _, err = run_main("run", str(JAPAN), "--trials", "0")
    assert code == 2 and "Traceback" not in err
    code, _, err = run_main("run", str(JAPAN), "--without", "FRA", "--no-store")
    assert code == 2 and "--without" in err and "FRA" in err
    code, _, err = run_main("run", str(JAPAN), "--drop-agreement", "9", "--no-store")
    assert code == 2 and "--drop-agreement" in err


def test_coalition_json(run_main):
    code, out, err = run_main(
        "coalition", str(EXAMPLES_DIR / "coalition-defense.yaml"), "--trials", "1000",
        "--metric", "value_protected", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["metric"] == "value_protected"
    assert set(data["shapley"]) == {"JPN", "USA", "AUS"}
    total = sum(v["mean"] for v in data["shapley"].values())
    assert abs(total - (data["value_all"] - data["value_none"])) < 1e-5
    assert len(data["subsets"]) == 8
    code, _, err = run_main("coalition", str(JAPAN), "--metric", "p_leak")
    assert code == 2 and "p_no_leak" in err


def test_every_run_is_recorded_in_the_store_unless_told_not_to(run_main, tmp_path, monkeypatch):
    store = tmp_path / "store"
    code, _, err = run_main("run", str(JAPAN), "--trials", "500", "--store", str(store))
    assert code == 0, err
    monkeypatch.setenv("HOPLON_STORE", str(store))
    code, _, err = run_main("run", str(JAPAN), "--trials", "500", "--no-store")
    assert code == 0, err
    code, out, err = run_main(
        "results", "select kind, trials from results", "--store", str(store), "--json"
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert len(rows) == 1


def test_a_what_if_run_says_what_it_left_out(run_main):
    """--drop-agreement and --without are named under the run's header and in its JSON
    ``variant``: a reader of the table or the file sees it is not the file's scenario."""
    coalition = EXAMPLES_DIR / "coalition-defense.yaml"
    args = ["run", str(coalition), "--trials", "200", "--drop-agreement", "0", "--no-store"]
    code, out, err = run_main(*args, "--without", "AUS")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[2].startswith("What-if: without agreement 0: track-sharing USA → JPN"), lines[:4]
    assert any(line == "What-if: without the units and sensors of AUS" for line in lines[:5])
    code, out, err = run_main(*args, "--json")
    assert code == 0, err
    variant = json.loads(out)["variant"]
    assert variant == ["without agreement 0: track-sharing USA → JPN, fire-control, 4 s latency"]
    code, out, _ = run_main("run", str(coalition), "--trials", "200", "--no-store")
    assert "What-if" not in out


def _planned_file(tmp_path):
    text = JAPAN.read_text(encoding="utf-8")
    assert "assignment: earliest-intercept" in text
    path = tmp_path / "planned.yaml"
    path.write_text(text.replace("assignment: earliest-intercept", "assignment: planned"))
    return path


def test_a_planned_run_says_how_good_its_plan_is(run_main, tmp_path):
    path = _planned_file(tmp_path)
    result = _json_run(run_main, str(path), "--trials", "500")
    (plan,) = result["plan"]
    assert plan["status"] == "optimal"
    # a proven bound: the plan loses at least it, and the gap is what is left between
    assert plan["bound"] <= plan["expected_loss"] + 1e-9
    assert plan["gap"] == max(0.0, plan["expected_loss"] - plan["bound"])
    assert 0 < plan["expected_loss"] <= plan["value_at_risk"]
    assert 0 < plan["interceptors"] <= 60  # the example's magazines hold 60
    code, out, err = run_main("run", str(path), "--trials", "500", "--no-store")
    assert code == 0, err
    assert "Planning the allocation of the raid before the trials" in err
    text = " ".join(out.split())
    assert "Plan: optimal (within the solver's tolerance" in text
    assert f"{plan['interceptors']} interceptors planned" in text
    # under a rule there is no plan to report
    assert "plan" not in _json_run(run_main, str(JAPAN), "--trials", "200")


def test_a_plan_stopped_by_the_time_limit_says_so(run_main, tmp_path, monkeypatch):
    from dataclasses import replace

    import hoplon.compile.waves as waves

    solve = waves.plan_allocation

    def stopped(model):
        allocation = solve(model)  # as if HiGHS had stopped with a worse incumbent
        return replace(allocation, status="limit", bound=allocation.expected_loss * 0.9)

    monkeypatch.setattr(waves, "plan_allocation", stopped)
    path = _planned_file(tmp_path)
    result = _json_run(run_main, str(path), "--trials", "300")
    (plan,) = result["plan"]
    assert plan["status"] == "limit" and abs(plan["gap_share"] - 0.1) < 1e-12
    code, out, _ = run_main("run", str(path), "--trials", "300", "--no-store")
    text = " ".join(out.split())
    assert code == 0
    assert "Plan: NOT proven optimal: the solver's time limit came first" in text
    assert "the plan is within a proven 10% of the best" in text


def test_acsa_transfers_are_shown_where_the_json_has_them(run_main, tmp_path):
    coalition = EXAMPLES_DIR / "coalition-defense.yaml"
    moved = _json_run(run_main, str(coalition), "--trials", "400")["acsa_transfers"]
    assert moved  # the example's second wave draws on the first's magazines
    code, out, err = run_main("run", str(coalition), "--trials", "400", "--no-store")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Moved between waves (ACSA cross-servicing), mean per trial" in text
    for r in moved:
        assert f"{r['from']} │ {r['to']} │ {r['interceptor']} │ {r['mean_per_trial']:,.3f}" in text
    code, _, err = run_main("report", str(coalition), "--trials", "400", "-o", tmp_path / "r.html")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Moved between waves (ACSA cross-servicing)" in html
    assert (
        f'<td>{moved[0]["interceptor"]}</td><td class="num">{moved[0]["mean_per_trial"]:,.3f}</td>'
        in html
    )
    assert "Moved between waves" not in " ".join(
        run_main("run", str(JAPAN), "--trials", "200", "--no-store")[1].split()
    )


def test_leaving_out_a_nation_that_fields_nothing_is_refused(run_main, tmp_path):
    text = JAPAN.read_text(encoding="utf-8")
    old = "  USA: {name: United States}\n"
    assert old in text
    path = tmp_path / "with-korea.yaml"
    path.write_text(text.replace(old, old + "  KOR: {name: Korea}\n"), encoding="utf-8")
    code, out, err = run_main("run", str(path), "--without", "KOR", "--trials", "100", "--no-store")
    assert code == 2 and out == ""
    assert err.strip() == (
        "--without: KOR fields no unit and no sensor in this scenario, so leaving it out "
        "changes nothing; nations that field some: JPN, USA"
    )
    # a coalition analysis still runs every subset (KOR is not a player)
    code, out, err = run_main("coalition", str(path), "--trials", "100", "--json")
    assert code == 0, err
    assert json.loads(out)["nations"] == ["JPN", "USA"]


def test_a_zero_width_leak_interval_is_explained_with_the_rule_of_three(run_main):
    # "0.000 [0.000, 0.000]" used to read as a certainty the Monte Carlo cannot give
    from hoplon.present.text import unchanged_text

    data = _json_run(run_main, str(JAPAN), "--trials", "400")
    constant = [t["id"] for t in data["threats"] if t["p_leak"]["ci95"] == [0.0, 0.0]]
    assert constant  # some of the example's threats never leak in 400 trials
    note = unchanged_text(data)
    assert note is not None and "3/400 = 0.0075" in note
    code, out, _ = run_main("run", JAPAN, "--trials", "400", "--no-store")
    assert code == 0
    assert "".join(note.split()) in "".join(out.split())
    # no zero-width interval: no note
    for t in data["threats"]:
        t["p_leak"]["ci95"] = [0.0, 0.01]
    data["metrics"]["p_no_leak"]["ci95"] = [0.1, 0.2]
    for v in data["metrics"]["leakers_by_target"].values():
        v["ci95"] = [0.0, 0.5]
    assert unchanged_text(data) is None


def test_the_report_draws_a_what_if_as_run_computes_it(run_main, tmp_path):
    # docs/coalition.md promised the what-ifs in the report's header; report had no
    # --without or --drop-agreement
    coalition = EXAMPLES_DIR / "coalition-defense.yaml"
    args = ("--trials", "300", "--without", "USA", "--drop-agreement", "0")
    data = _json_run(run_main, str(coalition), *args)
    assert len(data["variant"]) == 2
    page = tmp_path / "what-if.html"
    code, _, err = run_main("report", coalition, *args, "-o", page)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    for note in data["variant"]:
        assert f"what-if: {note}" in html.replace("&#39;", "'").replace("&gt;", ">"), note
    # a nation the scenario does not have is refused as run refuses it
    code, _, err = run_main("report", coalition, "--without", "XYZ", "-o", page)
    assert code == 2 and "--without: 'XYZ' is not one of the scenario's nations" in err


def test_running_a_scenario_without_threats_says_what_it_measures(run_main, tmp_path):
    # it used to print P(no leaker) 1.000 for 10,000 trials without a word
    path = tmp_path / "no-threats.yaml"
    path.write_text(
        "hoplon: 1\nname: no threats\nnations: {JPN: {name: Japan}}\n"
        "assets:\n  - {id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69]}\n",
        encoding="utf-8",
    )
    code, out, err = run_main("run", path, "--trials", "10", "--no-store", "--json")
    assert code == 0 and json.loads(out)["metrics"]["p_no_leak"]["mean"] == 1.0
    flat = "".join(err.split())
    assert "".join(f"Warning: {path}: the scenario has no threats".split()) in flat, err
    # an economics-only example validates without it: it is meant for hoplon econ
    code, out, err = run_main("validate", EXAMPLES_DIR / "sm3-block-iia-burden-sharing.yaml")
    assert code == 0 and "no threats" not in out + err


def test_a_footprint_that_defends_nothing_says_why(run_main):
    # an all-zero table used to be the whole answer
    args = ("footprint", JAPAN, "--threat", "notional MRBM", "--from", "45.0,100.0")
    code, out, err = run_main(*args)
    assert code == 0, err
    flat = "".join(out.split())
    assert "Noaimpointisdefended:ofthe" in flat and "cellsitcanreach,noneis" in flat
    code, out, err = run_main(*args[:-1], "60.0,10.0")  # Norway: out of range of all
    assert code == 0, err
    assert "Noaimpointisdefended:thethreatcannotreachanycell" in "".join(out.split())
    # a footprint that defends something has no such line
    code, out, _ = run_main("footprint", JAPAN, "--threat", "notional MRBM", "--from", "40,127.5")
    assert code == 0 and "No aim point" not in out
