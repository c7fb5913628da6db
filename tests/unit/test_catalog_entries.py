"""Every built-in catalog entry validates, names its public source and says what is
notional; the naval and medium-range air-defense entries are present and consistent
with the rest of the catalog (threat classes, radars, producers)."""

from __future__ import annotations

import pycountry
import pytest

from hoplon.catalog import KIND_MODELS, KINDS, THREAT_CLASSES, builtin_catalog, builtin_raw

#: The entries added for NATO naval air defense, SAMP/T and Chu-SAM.
NAVAL_ENTRIES: dict[str, tuple[str, ...]] = {
    "interceptors": (
        "SM-2 Block IIIA",
        "SM-2 Block IIIC",
        "SM-6",
        "ESSM Block 2",
        "Aster 15",
        "Aster 30",
        "RAM Block 2",
        "Type 03 Chu-SAM",
    ),
    "sensors": (
        "APAR",
        "AN/SPY-6(V)1",
        "SMART-L",
        "SMART-L EWC",
        "Sampson",
        "Herakles",
        "Arabel",
        "Chu-SAM radar",
        "TRS-4D",
    ),
    "platforms": (
        "Aegis AAW destroyer",
        "Aegis destroyer Flight III",
        "Type 45 destroyer",
        "FREMM frigate",
        "F124 frigate",
        "F125 frigate",
        "SAMP/T battery",
        "Chu-SAM battery",
    ),
}

ALL = [(kind, name) for kind in KINDS for name in builtin_raw()[kind]]


@pytest.mark.parametrize(("kind", "name"), ALL, ids=[f"{k}:{n}" for k, n in ALL])
def test_every_entry_validates_and_has_source_and_notes(kind: str, name: str) -> None:
    entry = KIND_MODELS[kind].model_validate(builtin_raw()[kind][name])
    assert entry.source.strip(), name
    assert entry.notes and entry.notes.strip(), name
    # Every entry has a notional figure (at least sspk, ranges or timing): say so.
    assert entry.notional is True, name


@pytest.mark.parametrize("kind", sorted(NAVAL_ENTRIES))
def test_naval_entries_are_in_the_catalog(kind: str) -> None:
    missing = set(NAVAL_ENTRIES[kind]) - set(builtin_catalog().kind(kind))
    assert not missing


def test_notes_say_where_naval_figures_are_notional() -> None:
    cat = builtin_catalog()
    for kind, names in NAVAL_ENTRIES.items():
        for name in names:
            assert "notional" in (cat.kind(kind)[name].notes or ""), name


def test_sspk_classes_are_threat_classes_the_catalog_has() -> None:
    cat = builtin_catalog()
    have = {t.threat_class for t in cat.threats.values()}
    for name, interceptor in cat.interceptors.items():
        assert set(interceptor.sspk) <= set(THREAT_CLASSES), name
        # every class an interceptor engages, except icbm (SM-3 Block IIA, FTM-44), has
        # a built-in threat entry, so a scenario can exercise it
        assert set(interceptor.sspk) - {"icbm"} <= have, name


def test_platform_radars_are_catalog_sensors() -> None:
    cat = builtin_catalog()
    for name, platform in cat.platforms.items():
        assert platform.radar == "none" or platform.radar in cat.sensors, name
        if platform.radar != "none":
            # a shooter's own radar must be able to guide its missiles
            assert cat.sensors[platform.radar].role == "fire-control", name


def test_producers_are_iso_3166_alpha_3() -> None:
    for name, interceptor in builtin_catalog().interceptors.items():
        for code in interceptor.producers:
            assert pycountry.countries.get(alpha_3=code) is not None, (name, code)


def test_f125_has_no_area_air_defense_missile() -> None:
    """The F125's only anti-air missile is RAM: no interceptor reaches beyond 10 km."""
    cat = builtin_catalog()
    ram = cat.interceptors["RAM Block 2"]
    assert ram.tier == "point"
    assert ram.max_range_km <= 10
    assert "RAM" in (cat.platforms["F125 frigate"].notes or "")
    assert "no area" in (cat.platforms["F125 frigate"].notes or "")


def test_smart_l_ewc_is_distinct_from_smart_l() -> None:
    cat = builtin_catalog()
    smart_l, ewc = cat.sensors["SMART-L"], cat.sensors["SMART-L EWC"]
    assert smart_l.role == ewc.role == "early-warning"
    assert ewc.range_km > smart_l.range_km


def test_spy6_range_follows_its_published_sensitivity_gain() -> None:
    """US Navy / manufacturer: SPY-6(V)1 is more than 30 times as sensitive as SPY-1D;
    detection range scales with the fourth root of sensitivity."""
    cat = builtin_catalog()
    ratio = cat.sensors["AN/SPY-6(V)1"].range_km / cat.sensors["SPY-1D"].range_km
    assert ratio == pytest.approx(30**0.25, rel=0.01)


def test_hoplon_catalog_lists_the_naval_entries_with_their_sources(run_cli) -> None:
    cat = builtin_catalog()
    # Wide enough that no table cell wraps, so a row is one line (as a user's wide terminal).
    code, out, err = run_cli("catalog", env={"COLUMNS": "4000"})
    assert code == 0, err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    for kind, names in NAVAL_ENTRIES.items():
        for name in names:
            source = " ".join(cat.kind(kind)[name].source.split())
            rows = [line for line in lines if line.startswith(f"│ {name} │")]
            assert rows, f"hoplon catalog does not list {kind} '{name}'"
            assert any(source in row for row in rows), (name, rows)
