"""The scenario models: defaults, immutability, strictness, positions, catalog merging,
technology-transfer rights, and where errors are reported."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hoplon.catalog import builtin_catalog
from hoplon.errors import InputError, did_you_mean, format_path
from hoplon.scenario import LoadedScenario, Scenario, load_text
from hoplon.scenario.checks import field_rights
from hoplon.scenario.schema import (
    Asset,
    Doctrine,
    Launch,
    Raid,
    SensorPlacement,
    TechnologyTransfer,
    TrackSharing,
    Unit,
    lat_lon_alt,
)


def minimal(**extra: Any) -> dict[str, Any]:
    """The smallest valid scenario, with top-level keys added or replaced."""
    return {"hoplon": 1, "name": "minimal", "nations": {"JPN": {"name": "Japan"}}, **extra}


# A small valid scenario as text, for the tests that go through the loader. Line
# numbers matter to the location tests below.
SCENARIO = """\
hoplon: 1
name: Unit-test scenario
nations:
  JPN: {name: Japan}
  USA: {name: United States}
assets:
  - {id: tokyo, nation: JPN, kind: city, at: [35.68, 139.69]}
units:
  - id: ddg-atago
    nation: JPN
    type: Aegis BMD destroyer
    at: [37.8, 134.0]
    magazine: {SM-3 Block IIA: 4}
  - id: patriot-tokyo
    nation: JPN
    type: Patriot battery
    at: [35.69, 139.75]
    magazine:
      PAC-3 MSE: 16
threats:
  - {id: mrbm, type: notional MRBM, from: [40.0, 127.5], target: tokyo, count: 2}
"""


def load(text: str) -> LoadedScenario:
    return load_text(text, "test.yaml")


def refusal(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        load(text)
    return info.value


# Defaults


def test_scenario_defaults() -> None:
    spec = Scenario.model_validate(minimal())
    assert spec.seed == 0
    assert spec.trials == 10_000
    assert spec.description is None
    assert spec.agreements == []
    assert spec.assets == spec.sensors == spec.units == spec.threats == []
    assert spec.doctrine == Doctrine()
    assert spec.catalog.interceptors == {}


def test_doctrine_defaults() -> None:
    d = Scenario.model_validate(minimal()).doctrine
    assert d.shots_per_engagement == 2
    assert d.shoot_look_shoot is True
    assert d.assessment_s == 10.0
    assert d.assignment == "earliest-intercept"


def test_entry_defaults() -> None:
    raid = Raid.model_validate(
        {"id": "r", "type": "notional MRBM", "from": [40.0, 127.5], "target": "tokyo"}
    )
    assert raid.count == 1
    assert raid.nation is None
    assert raid.launch == Launch(at_s=0.0, every_s=0.0)
    asset = Asset.model_validate({"id": "a", "nation": "JPN", "kind": "city", "at": [0, 0]})
    assert asset.value == 1.0
    sharing = TrackSharing.model_validate(
        {"kind": "track-sharing", "from": "USA", "to": "JPN", "quality": "early-warning"}
    )
    assert sharing.latency_s == 0.0
    transfer = TechnologyTransfer.model_validate(
        {"kind": "technology-transfer", "origin": "USA", "recipient": "JPN", "items": ["THAAD"]}
    )
    assert transfer.retransfer_consent == []
    sensor = SensorPlacement.model_validate(
        {"id": "s", "nation": "USA", "type": "space early warning"}
    )
    assert sensor.at is None
    assert sensor.facing_deg is None


def test_aliases_are_read_by_their_yaml_names() -> None:
    spec = load(SCENARIO).spec
    assert spec.threats[0].from_ == (40.0, 127.5)
    assert spec.raids == spec.threats


# Frozen


def test_models_are_frozen() -> None:
    spec = load(SCENARIO).spec
    with pytest.raises(ValidationError, match="frozen"):
        spec.trials = 5  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        spec.doctrine.shots_per_engagement = 3  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        spec.units[0].at = (0.0, 0.0)  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        spec.threats[0].launch.at_s = 5.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        spec.nations["JPN"].name = "Nippon"  # type: ignore[misc]


def test_frozen_models_are_hashable_values() -> None:
    assert Doctrine() == Doctrine()
    assert hash(Launch(at_s=1.0)) == hash(Launch(at_s=1.0))


# Unknown keys


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Scenario, minimal(trails=5)),
        (Doctrine, {"shots": 2}),
        (Launch, {"at_s": 0, "at": 1}),
        (
            Unit,
            {"id": "u", "nation": "JPN", "type": "x", "at": [0, 0], "magazine": {}, "radar": "y"},
        ),
        (
            TrackSharing,
            {
                "kind": "track-sharing",
                "from": "USA",
                "to": "JPN",
                "quality": "fire-control",
                "latency": 3,
            },
        ),
    ],
    ids=["scenario", "doctrine", "launch", "unit", "track-sharing"],
)
def test_unknown_keys_are_refused(model: type, data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)  # type: ignore[attr-defined]
    assert [e["type"] for e in info.value.errors()] == ["extra_forbidden"]


def test_unknown_key_refusal_suggests_the_field() -> None:
    err = refusal(SCENARIO.replace("    type: Patriot battery\n", "    typ: Patriot battery\n"))
    fields = {p.field: p.message for p in err.problems}
    assert "did you mean 'type'" in fields["units[1].typ"]
    # one mistake, one message: the field it was meant to be is not also "missing"
    assert "units[1].type" not in fields
    # a required field missing with no misspelling near it is still said
    err = refusal(SCENARIO.replace("    type: Patriot battery\n", ""))
    fields = {p.field: p.message for p in err.problems}
    assert fields["units[1].type"] == "this required field is missing"


def test_a_key_given_twice_under_two_names_is_refused() -> None:
    """`from_` (the Python name) next to `from`: refused rather than one silently winning."""
    text = SCENARIO.replace("from: [40.0, 127.5]", "from: [40.0, 127.5], from_: [39.0, 127.0]")
    fields = {p.field for p in refusal(text).problems}
    assert fields == {"threats[0].from_"}


# Positions


def test_position_with_altitude() -> None:
    placement = SensorPlacement.model_validate(
        {"id": "aew", "nation": "AUS", "type": "E-7 Wedgetail", "at": [29.6, 135.6, 9000]}
    )
    assert placement.at == (29.6, 135.6, 9000.0)
    assert lat_lon_alt(placement.at) == (29.6, 135.6, 9000.0)
    assert lat_lon_alt((35.0, 139.0)) == (35.0, 139.0, 0.0)


@pytest.mark.parametrize("at", [[90, 180], [-90, -180], [0, 0, -500], [0, 0, 100_000]])
def test_positions_on_the_boundaries_are_accepted(at: list[float]) -> None:
    Asset.model_validate({"id": "a", "nation": "JPN", "kind": "site", "at": at})


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ([90.01, 0], "latitude"),
        ([0, -180.5], "longitude"),
        ([0, 0, -501], "altitude"),
        ([0, 0, 100_001], "altitude"),
        ([35.0], None),
        ([1, 2, 3, 4], None),
        (["north", 2], None),
        ([float("nan"), 0], "finite number"),  # refused before the range check
    ],
)
def test_bad_positions_are_refused(at: list[Any], message: str | None) -> None:
    with pytest.raises(ValidationError, match=message):
        Asset.model_validate({"id": "a", "nation": "JPN", "kind": "site", "at": at})


def test_airborne_sensor_position_loads_from_yaml() -> None:
    text = SCENARIO.replace(
        "units:\n",
        "sensors:\n  - {id: aew, nation: JPN, type: E-2D, at: [36.0, 137.0, 8500]}\nunits:\n",
    )
    assert load(text).spec.sensors[0].at == (36.0, 137.0, 8500.0)


# Nation codes


@pytest.mark.parametrize("code", ["JPN", "USA", "AUS", "GBR", "KOR"])
def test_iso_alpha3_codes_are_accepted(code: str) -> None:
    Scenario.model_validate(minimal(nations={code: {"name": code}}))


@pytest.mark.parametrize("code", ["UK", "jpn", "Japan", "ZZZ", "JP1", ""])
def test_other_nation_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="ISO 3166"):
        Scenario.model_validate(minimal(nations={code: {"name": code}}))


# Catalog additions and overrides, merged field by field

NEW_INTERCEPTOR = """\
catalog:
  interceptors:
    Notional glide-phase interceptor:
      min_range_km: 20
      max_range_km: 600
      min_alt_km: 20
      max_alt_km: 70
      avg_speed_kms: 2.0
      sspk: {mrbm: 0.6, irbm: 0.5}
      reliability: 0.85
      unit_cost_usd: 30000000
      cost_year: 2025
      producers: [JPN]
      tier: high
      source: notional entry for a unit test
"""


def test_override_one_field_of_a_builtin_entry() -> None:
    builtin = builtin_catalog().interceptors["SM-3 Block IIA"]
    text = SCENARIO + "catalog:\n  interceptors:\n    SM-3 Block IIA: {max_range_km: 1800}\n"
    merged = load(text).catalog.interceptors["SM-3 Block IIA"]
    assert merged.max_range_km == 1800
    assert merged.max_range_m == 1_800_000.0
    assert merged.model_dump(exclude={"max_range_km"}) == builtin.model_dump(
        exclude={"max_range_km"}
    )
    # The built-in catalog itself is untouched.
    assert builtin_catalog().interceptors["SM-3 Block IIA"].max_range_km == builtin.max_range_km
    assert load(SCENARIO).catalog.interceptors["SM-3 Block IIA"] == builtin


def test_override_a_threat_field_by_its_yaml_name() -> None:
    text = SCENARIO + "catalog:\n  threats:\n    notional MRBM: {class: irbm, rcs_m2: 0.05}\n"
    threat = load(text).catalog.threats["notional MRBM"]
    assert threat.threat_class == "irbm"
    assert threat.rcs_m2 == 0.05
    assert threat.max_range_km == builtin_catalog().threats["notional MRBM"].max_range_km


def test_add_a_new_interceptor_with_all_fields_and_field_it() -> None:
    text = SCENARIO.replace(
        "magazine: {SM-3 Block IIA: 4}",
        "magazine: {SM-3 Block IIA: 4, Notional glide-phase interceptor: 2}",
    )
    loaded = load(text + NEW_INTERCEPTOR)
    entry = loaded.catalog.interceptors["Notional glide-phase interceptor"]
    assert entry.max_range_m == 600_000.0
    assert entry.sspk == {"mrbm": 0.6, "irbm": 0.5}
    assert entry.producers == ["JPN"]
    assert loaded.spec.units[0].magazine["Notional glide-phase interceptor"] == 2
    assert "Notional glide-phase interceptor" not in builtin_catalog().interceptors


def test_new_entry_missing_a_field_is_refused_naming_the_field() -> None:
    text = SCENARIO + NEW_INTERCEPTOR.replace("      reliability: 0.85\n", "")
    err = refusal(text)
    assert [p.field for p in err.problems] == [
        "catalog.interceptors.Notional glide-phase interceptor.reliability"
    ]
    assert "required for a new interceptor entry" in err.problems[0].message


def test_new_entry_missing_several_fields_names_each() -> None:
    text = SCENARIO + "catalog:\n  sensors:\n    Notional radar: {kind: radar, source: test}\n"
    fields = {p.field for p in refusal(text).problems}
    assert fields == {
        "catalog.sensors.Notional radar.role",
        "catalog.sensors.Notional radar.range_km",
    }


def test_override_that_breaks_an_entry_is_refused() -> None:
    text = SCENARIO + "catalog:\n  interceptors:\n    SM-3 Block IIA: {min_range_km: 3000}\n"
    err = refusal(text)
    assert err.problems[0].field == "catalog.interceptors.SM-3 Block IIA"
    assert "min_range_km must be below max_range_km" in err.problems[0].message


# Technology-transfer rights


def _rights(*agreements: dict[str, Any], nations: tuple[str, ...] = ("USA", "JPN", "AUS")):
    spec = Scenario.model_validate(
        minimal(nations={n: {"name": n} for n in nations}, agreements=list(agreements))
    )
    return field_rights(spec, builtin_catalog())


def _transfer(origin: str, recipient: str, items: list[str], consent: list[str] | None = None):
    return {
        "kind": "technology-transfer",
        "origin": origin,
        "recipient": recipient,
        "items": items,
        "retransfer_consent": consent or [],
    }


def test_producers_may_field_what_they_produce() -> None:
    rights = _rights()
    catalog = builtin_catalog()
    for name, entry in catalog.interceptors.items():
        for producer in entry.producers:
            assert rights[producer][name] == "produces"
    assert "SM-3 Block IB" not in rights.get("JPN", {})
    assert "AUS" not in rights or "THAAD" not in rights["AUS"]


def test_direct_transfer_grants_the_right() -> None:
    rights = _rights(_transfer("USA", "JPN", ["SM-3 Block IB", "THAAD"]))
    assert rights["JPN"]["SM-3 Block IB"] == "agreements[0]"
    assert rights["JPN"]["THAAD"] == "agreements[0]"


def test_transfer_from_a_nation_without_the_right_grants_nothing() -> None:
    rights = _rights(_transfer("AUS", "JPN", ["THAAD"]))
    assert "THAAD" not in rights.get("JPN", {})


def test_retransfer_needs_the_origins_consent() -> None:
    without = _rights(_transfer("USA", "JPN", ["THAAD"]), _transfer("JPN", "AUS", ["THAAD"]))
    assert "THAAD" in without["JPN"]
    assert "THAAD" not in without.get("AUS", {})
    with_consent = _rights(
        _transfer("USA", "JPN", ["THAAD"], consent=["AUS"]), _transfer("JPN", "AUS", ["THAAD"])
    )
    assert with_consent["AUS"]["THAAD"] == "agreements[1]"


def test_rights_closure_does_not_depend_on_agreement_order() -> None:
    rights = _rights(
        _transfer("JPN", "AUS", ["THAAD"]), _transfer("USA", "JPN", ["THAAD"], consent=["AUS"])
    )
    assert rights["AUS"]["THAAD"] == "agreements[0]"
    assert rights["JPN"]["THAAD"] == "agreements[1]"


def test_consent_covers_only_the_items_it_came_with() -> None:
    rights = _rights(
        _transfer("USA", "JPN", ["THAAD"], consent=["AUS"]),
        _transfer("USA", "JPN", ["SM-3 Block IB"]),
        _transfer("JPN", "AUS", ["THAAD", "SM-3 Block IB"]),
    )
    assert "THAAD" in rights["AUS"]
    assert "SM-3 Block IB" not in rights["AUS"]


def test_consent_to_one_third_nation_is_not_consent_to_another() -> None:
    rights = _rights(
        _transfer("USA", "JPN", ["THAAD"], consent=["AUS"]),
        _transfer("JPN", "GBR", ["THAAD"]),
        nations=("USA", "JPN", "AUS", "GBR"),
    )
    assert "THAAD" not in rights.get("GBR", {})


def test_fielding_without_the_right_names_the_missing_agreement() -> None:
    text = SCENARIO.replace("magazine: {SM-3 Block IIA: 4}", "magazine: {SM-3 Block IB: 4}")
    err = refusal(text)
    assert [p.field for p in err.problems] == ["units[0].magazine.SM-3 Block IB"]
    message = err.problems[0].message
    assert "no right to field 'SM-3 Block IB'" in message
    assert "origin: USA, recipient: JPN, items: [SM-3 Block IB]" in message


# Where errors are reported


def test_nested_error_reports_field_path_line_and_column() -> None:
    text = SCENARIO.replace("      PAC-3 MSE: 16\n", "      PAC-3 MSE: lots\n")
    problem = refusal(text).problems[0]
    assert problem.field == "units[1].magazine.PAC-3 MSE"
    assert (problem.line, problem.column) == (19, 18)
    rendered = refusal(text).render()
    assert rendered.startswith("test.yaml:19:18: units[1].magazine.PAC-3 MSE: ")
    assert "valid integer" in rendered


def test_missing_field_is_located_at_its_parent() -> None:
    text = SCENARIO.replace("    type: Patriot battery\n", "")
    problem = refusal(text).problems[0]
    assert problem.field == "units[1].type"
    assert (problem.line, problem.column) == (14, 5)


def test_cross_reference_error_is_located_at_the_value() -> None:
    text = SCENARIO.replace("target: tokyo", "target: kyoto")
    problem = refusal(text).problems[0]
    assert problem.field == "threats[0].target"
    assert problem.line == 21
    assert SCENARIO.splitlines()[20][problem.column - 1 :].startswith("tokyo")


def test_several_problems_are_all_reported() -> None:
    text = SCENARIO.replace("count: 2", "count: 0").replace("[35.68, 139.69]", "[95, 139.69]")
    fields = [p.field for p in refusal(text).problems]
    assert fields == ["assets[0].at", "threats[0].count"]


def test_yaml_syntax_error_has_line_and_column() -> None:
    problem = refusal("hoplon: 1\nname: [unclosed\nnations: {}\n").problems[0]
    assert problem.field == ""
    assert problem.line is not None and problem.line >= 2
    assert problem.column is not None
    assert problem.message.startswith("not valid YAML")


def test_format_path_and_did_you_mean() -> None:
    assert format_path(("units", 1, "magazine")) == "units[1].magazine"
    assert format_path(("catalog", "interceptors", "SM-3 Block IIA", "sspk")) == (
        "catalog.interceptors.SM-3 Block IIA.sspk"
    )
    assert format_path(()) == ""
    assert did_you_mean("trails", ["trials", "seed"]) == " (did you mean 'trials'?)"
    assert did_you_mean("THAAD", ["thaad"]) == " (did you mean 'thaad'?)"
    assert did_you_mean("xyz", ["trials"]) == ""


def test_loaded_scenario_records_digest_and_file() -> None:
    import hashlib

    loaded = load_text(SCENARIO, "here.yaml")
    assert loaded.sha256 == hashlib.sha256(SCENARIO.encode()).hexdigest()
    assert loaded.path == "here.yaml"
    assert load_text(SCENARIO).path is None
