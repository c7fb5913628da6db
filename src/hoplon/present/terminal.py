"""Terminal presentation: rich tables for scenarios and the catalog."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pyproj import Geod
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hoplon.catalog import KINDS, Catalog, builtin_catalog
from hoplon.core.engine import doctrine_line
from hoplon.present.text import estimate, pattern, plan_text
from hoplon.safetext import plain, visible
from hoplon.scenario import LoadedScenario
from hoplon.scenario.describe import describe_agreement
from hoplon.scenario.schema import lat_lon_alt

_GEOD = Geod(ellps="WGS84")


def _pos(at: tuple[float, ...] | None) -> str:
    if at is None:
        return "theater-wide"
    lat, lon, alt = lat_lon_alt(at)
    text = f"{lat:.2f}°, {lon:.2f}°"
    return text + (f", {alt:,.0f} m" if alt else "")


#: Most rows of one kind a summary table shows; one more row counts the rest (a table
#: of thousands of rows is unreadable, and rich takes many seconds to lay it out).
SUMMARY_ROWS = 100


def _more(table: Table, total: int, what: str) -> None:
    """A last row counting the items of ``what`` beyond :data:`SUMMARY_ROWS`."""
    if total > SUMMARY_ROWS:
        rest = [""] * (len(table.columns) - 1)
        table.add_row(f"… and {total - SUMMARY_ROWS:,} more {what}", *rest)


def print_summary(loaded: LoadedScenario, console: Console) -> None:
    """What a scenario holds: nations, agreements, assets, sensors, units, raids, doctrine."""
    spec = loaded.spec
    cat = loaded.catalog
    entries = spec.raid_entries()  # the raids of the scenario, or of each of its waves
    n_threats = sum(r.n_threats for _, r in entries)
    console.print(
        Text.assemble(
            plain(spec.name, "bold"), f"  (format {spec.hoplon}, sha256 {loaded.sha256[:12]}…)"
        )
    )
    if spec.description:
        console.print(plain(spec.description.strip(), "dim", newlines=True))
    console.print(
        f"{len(spec.nations)} nations · {len(spec.agreements)} agreements · {len(spec.assets)} assets · "
        f"{len(spec.sensors)} sensors · {len(spec.units)} units · "
        + (f"{len(spec.waves)} waves of " if spec.waves else "")
        + f"{len(entries)} raids ({n_threats} threats) · {spec.trials:,} trials, seed {spec.seed}"
    )

    nations = Table(title="Nations and agreements", title_justify="left")
    nations.add_column("#")
    nations.add_column("what")
    for code, nation in list(spec.nations.items())[:SUMMARY_ROWS]:
        nations.add_row(plain(code), plain(nation.name))
    _more(nations, len(spec.nations), "nations")
    for i, ag in enumerate(spec.agreements[:SUMMARY_ROWS]):
        nations.add_row(f"agreements[{i}]", plain(describe_agreement(ag)))
    _more(nations, len(spec.agreements), "agreements")
    console.print(nations)

    if spec.assets:
        assets = Table(title="Defended assets", title_justify="left")
        for col in ("id", "nation", "kind", "position", "value"):
            assets.add_column(col, justify="right" if col == "value" else "left")
        for a in spec.assets[:SUMMARY_ROWS]:
            assets.add_row(plain(a.id), plain(a.nation), plain(a.kind), _pos(a.at), f"{a.value:g}")
        _more(assets, len(spec.assets), "assets")
        console.print(assets)

    if spec.sensors or spec.units:
        sensors = Table(title="Sensors and shooters", title_justify="left")
        for col in ("id", "nation", "type", "position", "radar / role", "magazine"):
            sensors.add_column(col)
        for s in spec.sensors[:SUMMARY_ROWS]:
            entry = cat.sensors[s.type]
            sensors.add_row(
                plain(s.id),
                plain(s.nation),
                plain(s.type),
                _pos(s.at),
                plain(f"{entry.role}, {entry.range_km:,.0f} km"),
                "",
            )
        _more(sensors, len(spec.sensors), "sensors")
        for u in spec.units[:SUMMARY_ROWS]:
            platform = cat.platforms[u.type]
            mag = ", ".join(f"{n} × {k}" for n, k in u.magazine.items())
            sensors.add_row(
                plain(u.id),
                plain(u.nation),
                plain(u.type),
                _pos(u.at),
                plain(platform.radar),
                plain(mag),
            )
        _more(sensors, len(spec.units), "units")
        console.print(sensors)

    if entries:
        places = {a.id: a.at for a in spec.assets} | {u.id: u.at for u in spec.units}
        raids = Table(title="Threats", title_justify="left")
        columns: tuple[str, ...] = ("wave",) if spec.waves else ()
        columns += ("raid", "type", "count", "target", "ground range", "launches")
        for col in columns:
            raids.add_column(col, justify="right" if col in ("count", "ground range") else "left")
        for path, r in entries[:SUMMARY_ROWS]:
            lat0, lon0, _ = lat_lon_alt(r.from_)
            lat1, lon1, _ = lat_lon_alt(places[r.target])
            _, _, dist = _GEOD.inv(lon0, lat0, lon1, lat1)
            last = r.launch.at_s + (r.count - 1) * r.launch.every_s
            start = spec.waves[int(path[1])].start_s if spec.waves else 0.0
            wave = (plain(spec.waves[int(path[1])].id),) if spec.waves else ()
            raids.add_row(
                *wave,
                plain(r.id),
                plain(r.type),
                str(r.count),
                plain(r.target),
                f"{dist / 1000:,.0f} km",
                f"{start + r.launch.at_s:g}–{start + last:g} s",  # from the scenario's start
            )
        _more(raids, len(entries), "raids")
        console.print(raids)
    for note in loaded.notes:
        console.print(f"Note: {note}", markup=False)
    for warning in loaded.warnings:
        console.print(f"Warning: {warning}", markup=False)
    d = spec.doctrine
    console.print(
        plain(
            f"Doctrine: {d.shots_per_engagement} per engagement, "
            f"shoot-look-shoot {'on' if d.shoot_look_shoot else 'off'} ({d.assessment_s:g} s to assess), "
            f"assignment {d.assignment}{', layered' if d.layered else ''}. "
            + doctrine_line(d.assignment, d.layered, d.reserve)
        )
    )


def print_catalog(
    console: Console, kind: str | None = None, catalog: Catalog | None = None
) -> None:
    """The catalog's entries with key figures and sources, one table per kind."""
    cat = catalog or builtin_catalog()
    kinds = [kind] if kind else list(KINDS)
    for k in kinds:
        table = Table(title=k.capitalize(), title_justify="left", show_lines=False)
        table.add_column("name", style="bold")
        table.add_column("key figures")
        table.add_column("source")
        table.add_column("notional")
        for name, e in cat.kind(k).items():
            if k == "interceptors":
                sspk = ", ".join(f"{c} {p:g}" for c, p in e.sspk.items())
                figures = (
                    f"{e.tier} tier; range {e.min_range_km:g}–{e.max_range_km:g} km, "
                    f"alt {e.min_alt_km:g}–{e.max_alt_km:g} km, {e.avg_speed_kms:g} km/s; "
                    f"SSPK {sspk}; reliability {e.reliability:g}; "
                    f"${e.unit_cost_usd / 1e6:,.2f} M ({e.cost_year}); producers {', '.join(e.producers)}"
                )
            elif k == "sensors":
                figures = (
                    f"{e.kind}, {e.role}; {e.range_km:,g} km vs 1 m²; "
                    f"{e.field_of_regard_deg:g}° field of regard; track {e.track_time_s:g} s"
                    + (f"; latency {e.latency_s:g} s" if e.latency_s else "")
                )
            elif k == "platforms":
                channels = "unlimited" if e.fire_channels is None else str(e.fire_channels)
                figures = (
                    f"radar {e.radar}; {e.launchers} launchers; {channels} fire channels; "
                    f"reaction {e.reaction_s:g} s"
                )
            else:
                figures = f"{e.threat_class}, {e.flight}; range {e.max_range_km:,g} km; RCS {e.rcs_m2:g} m²"
                if e.flight == "ballistic":
                    figures += f"; {e.trajectory}, burn {e.burn_time_s:g} s"
                elif e.flight == "glide":
                    figures += (
                        f"; burn {e.burn_time_s:g} s, glide from {e.glide_altitude_km:g} km at "
                        f"L/D {e.lift_to_drag:g} to {e.terminal_speed_kms:g} km/s"
                    )
                else:
                    figures += f"; {e.speed_kms:g} km/s at {e.altitude_m:g} m"
                figures += f"; ${e.unit_cost_usd / 1e6:,.2f} M ({e.cost_year})"
            table.add_row(
                plain(name), plain(figures), plain(e.source), "yes" if e.notional else "no"
            )
        console.print(table)


def description_column() -> Any:
    """A progress bar's description column that shows the label as text, never as markup."""
    from rich.progress import TextColumn

    return TextColumn("{task.description}", style="progress.description", markup=False)


def planning_notice(loaded: LoadedScenario, console: Console) -> None:
    """Under the planned doctrine, say before the run that an allocation is computed
    first, and how long it may take (the trials' progress bar starts after it)."""
    if loaded.spec.doctrine.assignment != "planned":
        return
    from hoplon.core.plan import TIME_LIMIT_S

    waves = len(loaded.spec.waves)
    what = f"each of the {waves} waves" if waves > 1 else "the raid"
    console.print(
        f"Planning the allocation of {what} before the trials (scipy milp, HiGHS; at most "
        f"{TIME_LIMIT_S:g} s a wave) …",
        markup=False,
    )


@contextmanager
def progress_bar(console: Console, total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error, shown only once the work has lasted a second."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    start = time.perf_counter()
    progress = Progress(
        description_column(),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(visible(label), total=total)
    shown = False

    def advance(n: int) -> None:
        nonlocal shown
        progress.advance(task, n)
        if not shown and time.perf_counter() - start > 1.0 and console.is_terminal:
            progress.start()
            shown = True

    try:
        yield advance
    finally:
        if shown:
            progress.stop()


def _ci(est: dict[str, Any], fmt: str = "{:.3f}", scale: float = 1.0) -> str:
    return estimate(est, pattern(fmt, scale))


def print_result(
    result: dict[str, Any],
    console: Console,
    doctrine: str | None = None,
    held: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """The headline metrics, per-target and per-threat tables of a run; ``doctrine`` (what
    it does, one line) and ``held`` (per unit: interceptors fired and held at the end, as
    estimates) come from the record (:meth:`Result.doctrine_line`, :meth:`Result.held_back`)."""
    m = result["metrics"]
    console.print(
        Text.assemble(
            plain(result["scenario"]["name"], "bold"),
            f": {result['trials']:,} trials, seed {result['seed']}",
        )
    )
    if doctrine:
        console.print(plain(f"Doctrine: {doctrine}"))
    if result.get("plan"):
        for row in result["plan"]:
            console.print(plain(plan_text(row), "bold" if row["status"] != "optimal" else ""))
    for note in result.get("variant", ()):  # what this run leaves out of the file
        console.print(plain(f"What-if: {note}", "bold"))
    head = Table(title="Headline (mean and 95% interval)", title_justify="left")
    head.add_column("metric")
    head.add_column("value", justify="right")
    head.add_row("P(no leaker)", _ci(m["p_no_leak"]))
    head.add_row("expected leakers", _ci(m["expected_leakers"]))
    head.add_row("value protected (all assets)", _ci(m["value_protected"]))
    if "value_protected_attacked" in m:
        head.add_row("value protected (attacked only)", _ci(m["value_protected_attacked"]))
    head.add_row(
        "interceptor spend (USD M, cost years)", _ci(m["interceptor_cost_usd"], "{:,.1f}", 1e-6)
    )
    head.add_row("threat cost (USD M, cost years)", f"{m['threat_cost_usd']['mean'] / 1e6:,.1f}")
    ratio = m["cost_exchange_ratio"]["mean"]
    head.add_row("cost-exchange ratio", "—" if ratio is None else f"{ratio:.2f}")
    console.print(head)
    basis = result.get("value_basis")
    if basis:
        from hoplon.core.metrics import value_basis_text

        console.print(value_basis_text(basis), style="dim")
    from hoplon.present.text import money_basis_text

    console.print(money_basis_text(result), style="dim")

    spend = Table(title="Interceptors fired per trial", title_justify="left")
    spend.add_column("by")
    spend.add_column("mean  [95% interval]", justify="right")
    for k, v in m["shots_by_interceptor"].items():
        spend.add_row(plain(k), _ci(v, "{:.2f}"))
    for k, v in m["shots_by_nation"].items():
        spend.add_row(plain(f"nation {k}"), _ci(v, "{:.2f}"))
    console.print(spend)
    if held:
        units = Table(title="Interceptors per unit (per trial)", title_justify="left")
        units.add_column("unit")
        units.add_column("fired, mean", justify="right")
        units.add_column("held at the end, mean", justify="right")
        for uid, (fired, left) in held.items():
            units.add_row(plain(uid), f"{fired.mean:,.2f}", f"{left.mean:,.2f}")
        console.print(units)
    if result.get("magazines_by_wave"):
        from hoplon.present.text import fmt_percent

        mags = Table(
            title="Magazines wave by wave (mean per trial: held at the wave's start, fired, "
            "left at its end; empty: the share of trials that end the wave with none)",
            title_justify="left",
        )
        for col in ("wave", "unit", "interceptor"):
            mags.add_column(col, overflow="fold")
        for col in ("start", "fired", "left", "empty"):
            mags.add_column(col, justify="right")
        for r in result["magazines_by_wave"]:
            mags.add_row(
                plain(r["wave"]), plain(r["unit"]), plain(r["interceptor"]),
                f"{r['start_mean']:,.2f}", f"{r['fired_mean']:,.2f}",
                f"{r['held_mean']:,.2f}", fmt_percent(r["empty_share"]),
            )  # fmt: skip
        console.print(mags)
    if result.get("acsa_transfers"):
        moved = Table(
            title="Moved between waves (ACSA cross-servicing), mean per trial",
            title_justify="left",
        )
        for col in ("from", "to", "interceptor"):
            moved.add_column(col)
        moved.add_column("moved", justify="right")
        for r in result["acsa_transfers"]:
            moved.add_row(
                plain(r["from"]),
                plain(r["to"]),
                plain(r["interceptor"]),
                f"{r['mean_per_trial']:,.3f}",
            )
        console.print(moved)

    targets = Table(title="Leakers per target", title_justify="left")
    targets.add_column("target")
    targets.add_column("mean leakers  [95%]", justify="right")
    for k, v in m["leakers_by_target"].items():
        targets.add_row(plain(k), _ci(v))
    console.print(targets)

    threats = Table(title="Threats", title_justify="left")
    for col in ("threat", "target", "first track", "impact", "engageable by", "P(leak)"):
        threats.add_column(
            col,
            justify="right" if col in ("first track", "impact", "P(leak)") else "left",
            # an id is folded onto more lines, never cut: ids differ at their ends
            overflow="fold" if col in ("threat", "target", "engageable by") else "ellipsis",
        )
    gaps = 0
    for row in result["threats"]:
        first = "never" if row["first_track_s"] is None else f"{row['first_track_s']:.0f} s"
        who = plain(", ".join(row["engageable_by"])) or Text("none", style="bold red")
        gaps += not row["engageable_by"]
        threats.add_row(
            plain(row["id"]),
            plain(row["target"]),
            first,
            f"{row['impact_s']:.0f} s",
            who,
            f"{row['p_leak']['mean']:.3f}",
        )
    console.print(threats)
    if gaps:
        console.print(f"[bold red]{gaps} threat(s) no unit can engage.[/bold red]")
    from hoplon.present.text import unchanged_text

    same = unchanged_text(result)
    if same:
        console.print(Text(same, style="dim"))
    timing = result["timing"]
    console.print(
        f"compile {timing['compile_s']:.2f} s · engine {timing['engine_s']:.2f} s · "
        f"{timing['trials_per_s']:,.0f} trials/s · {timing['decision_points']} decision points",
        style="dim",
    )


def print_gaps(loaded: LoadedScenario, console: Console) -> None:
    """Why each threat no unit can engage cannot be engaged, unit by unit."""
    from hoplon.compile.engageability import describe_gaps, scenario_gaps

    lines = describe_gaps(scenario_gaps(loaded))
    if not lines:
        return
    console.print("[bold red]Threats no unit can engage, and why (per unit):[/bold red]")
    for line in lines:
        console.print(f"  {line}", markup=False)
