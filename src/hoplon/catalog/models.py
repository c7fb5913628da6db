"""Catalog entry models: interceptors, sensors, platforms and threats.

Figures are stored as written in the data files (kilometres, km/s, US dollars of the
entry's ``cost_year``); the ``*_m`` / ``*_ms`` properties give the SI values the model
uses, so units are converted in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from hoplon.numbers import NoBoolNumbers

ThreatClass = Literal[
    "srbm", "mrbm", "irbm", "icbm", "cruise", "aircraft", "hgv", "ship", "submarine"
]
THREAT_CLASSES: tuple[str, ...] = (
    "srbm", "mrbm", "irbm", "icbm", "cruise", "aircraft", "hgv", "ship", "submarine",
)  # fmt: skip
Tier = Literal["upper", "high", "lower", "point"]


#: Longest ground range accepted, km: about half the earth's circumference (no two points
#: on the earth are further apart along its surface).
MAX_GROUND_RANGE_KM = 20_000.0
#: Highest intercept altitude accepted, km (the highest published exo-atmospheric
#: intercepts are near 1,000 km; ballistic apogees stay below about 1,500 km).
MAX_INTERCEPT_ALT_KM = 5_000.0
#: Longest radar detection range against 1 m² accepted, km (the largest published
#: early-warning radars reach about 5,000 km against large targets).
MAX_RADAR_RANGE_KM = 10_000.0


def on_the_earth(value: float, examples: str = "") -> float:
    """``value``, a ground range in km, if it fits on the earth; else ValueError."""
    if value > MAX_GROUND_RANGE_KM:
        raise ValueError(
            f"{value:,g} km is beyond half the earth's circumference; a ground range in km "
            f"up to {MAX_GROUND_RANGE_KM:,g} is accepted{examples}"
        )
    return value


class Entry(NoBoolNumbers):
    """Fields every catalog entry carries: where its figures come from."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    source: str = Field(
        min_length=3,
        description="Public, unclassified reference for the figures (report, page or table, year).",
    )
    notional: bool = Field(
        default=False, description="True where any figure is an estimate rather than published."
    )
    notes: str | None = Field(
        default=None, description="Basis of the figures, and where sources disagree."
    )


class Costed(Entry):
    """Optional life-cycle cost figures of a platform or a sensor site (docs/economics.md).

    All optional, so that a scenario's own entries stay valid without them; a unit of an
    entry with neither money figure is costed at 0 for its platform (and said so). Figures are US dollars of ``cost_year``, with their own ``cost_source`` and
    ``cost_notional`` (the entry's ``source`` is for its performance figures).
    """

    acquisition_cost_usd: float | None = Field(
        default=None, ge=0, le=1e13, description="Acquisition cost of one, US dollars of cost_year."
    )
    annual_om_usd: float | None = Field(
        default=None,
        ge=0,
        le=1e12,
        description="Operating and support cost a year of one, US dollars of cost_year.",
    )
    service_life_years: float | None = Field(
        default=None, gt=0, le=100, description="Service life, years (replacement interval)."
    )
    cost_year: int | None = Field(
        default=None, ge=1950, le=2100, description="Year of the dollars of the cost figures."
    )
    cost_source: str | None = Field(
        default=None, min_length=3, description="Public reference for the cost figures."
    )
    cost_notional: bool = Field(
        default=False, description="True where a cost figure is an estimate."
    )

    @model_validator(mode="after")
    def _cost_complete(self) -> Costed:
        money = [
            f for f in ("acquisition_cost_usd", "annual_om_usd") if getattr(self, f) is not None
        ]
        if not money and self.service_life_years is None:
            return self
        needed = ["cost_year", "cost_source"]
        if self.acquisition_cost_usd is not None:
            needed.append("service_life_years")
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(
                f"cost figures need {', '.join(missing)} (given: "
                f"{', '.join(money) or 'service_life_years'})"
            )
        return self

    @property
    def priced(self) -> bool:
        """Whether the entry has a cost figure (an acquisition or an O&S cost a year)."""
        return self.acquisition_cost_usd is not None or self.annual_om_usd is not None


class Interceptor(Entry):
    """A surface-to-air or anti-ballistic interceptor missile."""

    min_range_km: float = Field(ge=0, description="Minimum ground range from the launcher, km.")
    max_range_km: float = Field(gt=0, description="Maximum ground range from the launcher, km.")
    min_alt_km: float = Field(ge=0, description="Lowest intercept altitude, km.")
    max_alt_km: float = Field(gt=0, description="Highest intercept altitude, km.")
    avg_speed_kms: float = Field(gt=0, le=10, description="Average fly-out speed, km/s.")
    sspk: dict[ThreatClass, float] = Field(
        description="Single-shot kill probability by threat class; a missing class cannot be engaged."
    )
    reliability: float = Field(gt=0, le=1, description="Probability the interceptor works.")
    unit_cost_usd: float = Field(ge=0, le=1e12, description="Unit cost, US dollars of cost_year.")
    cost_year: int = Field(ge=1950, le=2100, description="Year of the dollars in unit_cost_usd.")
    producers: list[str] = Field(
        min_length=1, description="ISO 3166 alpha-3 codes of the nations that produce it."
    )
    tier: Tier = Field(
        description="Defense layer: upper (exo-atmospheric mid-course), high (THAAD-like "
        "terminal high altitude), lower (Patriot-like terminal), point (ship point/local defense). "
        "A scenario's new entry may leave it out: it is then inferred from the envelope "
        "(hoplon.catalog.models.infer_tier)."
    )

    @field_validator("max_range_km")
    @classmethod
    def _range_on_the_earth(cls, value: float) -> float:
        return on_the_earth(value, " (SM-3 Block IIA: 2,500; PAC-3 MSE: 35)")

    @field_validator("max_alt_km")
    @classmethod
    def _altitude_plausible(cls, value: float) -> float:
        if value > MAX_INTERCEPT_ALT_KM:
            raise ValueError(
                f"{value:,g} km; an intercept altitude in km up to {MAX_INTERCEPT_ALT_KM:,g} "
                "is accepted (SM-3 Block IIA: 1,000; PAC-3 MSE: 35)"
            )
        return value

    @model_validator(mode="after")
    def _envelope_ordered(self) -> Interceptor:
        if self.min_range_km >= self.max_range_km:
            raise ValueError("min_range_km must be below max_range_km")
        if self.min_alt_km >= self.max_alt_km:
            raise ValueError("min_alt_km must be below max_alt_km")
        for cls, p in self.sspk.items():
            if not 0 <= p <= 1:
                raise ValueError(f"sspk.{cls} is {p}; a probability between 0 and 1 is accepted")
        return self

    @property
    def min_range_m(self) -> float:
        return self.min_range_km * 1000.0

    @property
    def max_range_m(self) -> float:
        return self.max_range_km * 1000.0

    @property
    def min_alt_m(self) -> float:
        return self.min_alt_km * 1000.0

    @property
    def max_alt_m(self) -> float:
        return self.max_alt_km * 1000.0

    @property
    def avg_speed_ms(self) -> float:
        return self.avg_speed_kms * 1000.0


class Sensor(Costed):
    """A radar or space infrared early-warning sensor."""

    kind: Literal["radar", "space-infrared"] = Field(description="Sensing principle.")
    role: Literal["early-warning", "fire-control"] = Field(
        description="early-warning tracks only cue; fire-control tracks can guide an engagement."
    )
    range_km: float = Field(
        ge=0, description="Detection range against a 1 m² target, km (scales with RCS^¼)."
    )
    field_of_regard_deg: float = Field(
        default=360, gt=0, le=360, description="Angular coverage in azimuth, degrees."
    )
    min_elev_deg: float = Field(
        default=0, ge=-5, le=89, description="Lowest elevation it searches, degrees."
    )
    antenna_height_m: float = Field(
        default=0, ge=0, description="Antenna height above the surface, m (airborne: from `at`)."
    )
    track_time_s: float = Field(
        default=0, ge=0, description="From first detection to a usable track, s."
    )
    latency_s: float = Field(default=0, ge=0, description="Space sensors: launch to report, s.")
    domain: Literal["land", "sea", "air"] | None = Field(
        default=None,
        description="Where the sensor stands: land (a ground radar, warned of when a scenario "
        "places it far out at sea), sea (a ship's radar, warned of far inland) or air. "
        "Optional; left out, its placement is not checked.",
    )

    @field_validator("range_km")
    @classmethod
    def _range_plausible(cls, value: float, info: ValidationInfo) -> float:
        if info.data.get("kind") == "radar" and value > MAX_RADAR_RANGE_KM:
            raise ValueError(
                f"{value:,g} km against 1 m²; a radar range in km up to "
                f"{MAX_RADAR_RANGE_KM:,g} is accepted (J/FPS-5: 2,000; AN/TPY-2: 1,000)"
            )
        return value

    @property
    def range_m(self) -> float:
        return self.range_km * 1000.0


#: Words of a platform's name that make it a ship when its entry gives no ``domain``.
SHIP_WORDS = frozenset(
    {
        "ship",
        "destroyer",
        "frigate",
        "cruiser",
        "corvette",
        "carrier",
        "vessel",
        "boat",
        "ddg",
        "ffg",
        "cg",
    }
)


class Platform(Costed):
    """A shooter: ship, battery or site, with its own radar or none."""

    radar: str = Field(description="Catalog sensor of the platform, or 'none'.")
    launchers: int = Field(ge=1, description="Launchers (salvos it can have in progress at once).")
    fire_channels: int | None = Field(
        default=None, ge=1, description="Threats it can engage at once; null for unlimited."
    )
    reaction_s: float = Field(ge=0, description="From track to first launch, s.")
    domain: Literal["sea", "land"] | None = Field(
        default=None,
        description="Where the platform stands: sea (a ship) or land (a battery or site). "
        "Optional; left out, it is inferred from the name (hoplon.catalog.models.SHIP_WORDS).",
    )

    def domain_of(self, name: str) -> Literal["sea", "land"]:
        """The platform's domain: its ``domain`` field, or inferred from its name.

        A name holding one of :data:`SHIP_WORDS` (destroyer, frigate, ...) is a ship;
        any other is a land platform.
        """
        if self.domain is not None:
            return self.domain
        words = set(name.lower().replace("-", " ").replace("/", " ").split())
        return "sea" if words & SHIP_WORDS else "land"

    @property
    def capacity(self) -> int:
        """Engagements in progress at once: min(launchers, fire_channels)."""
        return (
            self.launchers
            if self.fire_channels is None
            else min(self.launchers, self.fire_channels)
        )


class Threat(Entry):
    """A ballistic missile, cruise missile, hypersonic glide vehicle or launch platform
    (aircraft, ship, submarine)."""

    threat_class: ThreatClass = Field(alias="class", description="Threat class.")
    flight: Literal["ballistic", "cruise", "aircraft", "glide"] = Field(
        description="Flight model (glide: a hypersonic boost-glide vehicle)."
    )
    max_range_km: float = Field(gt=0, description="Maximum range, km.")
    trajectory: Literal["minimum-energy", "lofted", "depressed"] | None = Field(
        default=None, description="Ballistic only: trajectory shape."
    )
    burn_time_s: float | None = Field(default=None, ge=0, description="Ballistic only: boost, s.")
    speed_kms: float | None = Field(default=None, gt=0, description="Cruise/aircraft speed, km/s.")
    altitude_m: float | None = Field(default=None, ge=0, description="Cruise/aircraft altitude, m.")
    release_range_km: float | None = Field(
        default=None,
        ge=0,
        description="Aircraft: distance from its target at which it has done harm, km.",
    )
    glide_altitude_km: float | None = Field(
        default=None, ge=30, le=60, description="Glide only: altitude at glide entry, km."
    )
    lift_to_drag: float | None = Field(
        default=None, ge=1, le=6, description="Glide only: lift-to-drag ratio in the glide."
    )
    terminal_speed_kms: float | None = Field(
        default=None, ge=0.5, le=4, description="Glide only: speed at the end of the glide, km/s."
    )
    cross_range_km: float | None = Field(
        default=None, ge=0, le=3000,
        description="Glide only: largest sideways offset of its manoeuvring track, km.",
    )  # fmt: skip
    rcs_m2: float = Field(gt=0, description="Radar cross-section, m².")
    reliability: float = Field(gt=0, le=1, description="Probability it does not fail at launch.")
    unit_cost_usd: float = Field(ge=0, le=1e12, description="Unit cost, US dollars of cost_year.")
    cost_year: int = Field(ge=1950, le=2100, description="Year of the dollars in unit_cost_usd.")

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("max_range_km")
    @classmethod
    def _range_on_the_earth(cls, value: float) -> float:
        return on_the_earth(value)

    @model_validator(mode="after")
    def _fields_for_flight(self) -> Threat:
        if self.flight == "ballistic":
            missing = [f for f in ("trajectory", "burn_time_s") if getattr(self, f) is None]
        elif self.flight == "glide":
            needed = ("burn_time_s", "glide_altitude_km", "lift_to_drag", "terminal_speed_kms")
            missing = [f for f in needed if getattr(self, f) is None]
        else:
            missing = [f for f in ("speed_kms", "altitude_m") if getattr(self, f) is None]
            if self.flight == "aircraft" and self.release_range_km is None:
                missing.append("release_range_km")
        if missing:
            raise ValueError(f"a {self.flight} threat needs {', '.join(missing)}")
        return self

    @property
    def max_range_m(self) -> float:
        return self.max_range_km * 1000.0

    @property
    def speed_ms(self) -> float:
        return (self.speed_kms or 0.0) * 1000.0

    @property
    def release_range_m(self) -> float:
        return (self.release_range_km or 0.0) * 1000.0

    @property
    def boosted(self) -> bool:
        """A rocket-boosted threat (ballistic or glide): space infrared sensors see its
        launch."""
        return self.flight in ("ballistic", "glide")

    @property
    def glide_altitude_m(self) -> float:
        return (self.glide_altitude_km or 0.0) * 1000.0

    @property
    def terminal_speed_ms(self) -> float:
        return (self.terminal_speed_kms or 0.0) * 1000.0

    @property
    def cross_range_m(self) -> float:
        return (self.cross_range_km or 0.0) * 1000.0


#: An intercept floor at or above this altitude is exo-atmospheric (``upper`` tier), km.
EXO_FLOOR_KM = 50.0
#: A ceiling at or above this altitude, with a lower floor, is high terminal (``high``), km.
HIGH_CEILING_KM = 40.0
#: A ground range at or above this, against air-breathing threats only, is area air
#: defense (``lower``); below it, point defense (``point``), km.
AREA_RANGE_KM = 100.0
BALLISTIC_CLASSES: tuple[str, ...] = ("srbm", "mrbm", "irbm", "icbm")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def infer_tier(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """The defense tier of an interceptor entry that gives none, from its envelope.

    The rule, in order (it gives every built-in interceptor its stated tier):

    1. ``min_alt_km >= 50`` (an exo-atmospheric floor: it intercepts only above the
       sensible atmosphere) → ``upper``;
    2. ``max_alt_km >= 40`` (it reaches the upper atmosphere, from a lower floor) →
       ``high``;
    3. ``sspk`` names a ballistic class (srbm, mrbm, irbm, icbm) → ``lower``;
    4. ``max_range_km >= 100`` (area air defense against air-breathing threats) →
       ``lower``;
    5. otherwise (air-breathing threats only, short range) → ``point``.

    Returns ``(tier, reason)``, or None when the fields needed are missing or not
    numbers (their own errors say so).
    """
    floor, ceiling = _number(fields.get("min_alt_km")), _number(fields.get("max_alt_km"))
    if floor is None or ceiling is None:
        return None
    if floor >= EXO_FLOOR_KM:
        return "upper", f"intercept floor {floor:g} km >= {EXO_FLOOR_KM:g} km (exo-atmospheric)"
    if ceiling >= HIGH_CEILING_KM:
        return "high", (
            f"intercept ceiling {ceiling:g} km >= {HIGH_CEILING_KM:g} km with a floor of "
            f"{floor:g} km (high terminal)"
        )
    sspk = fields.get("sspk")
    if not isinstance(sspk, Mapping):
        return None
    ballistic = [c for c in BALLISTIC_CLASSES if c in sspk]
    if ballistic:
        return "lower", (
            f"ceiling {ceiling:g} km below {HIGH_CEILING_KM:g} km, engages ballistic "
            f"missiles ({', '.join(ballistic)}) (lower tier)"
        )
    reach = _number(fields.get("max_range_km"))
    if reach is not None and reach >= AREA_RANGE_KM:
        return "lower", (
            f"ceiling {ceiling:g} km below {HIGH_CEILING_KM:g} km, no ballistic class, range "
            f"{reach:g} km >= {AREA_RANGE_KM:g} km (area air defense, lower tier)"
        )
    return "point", (
        f"ceiling {ceiling:g} km below {HIGH_CEILING_KM:g} km, engages no ballistic class "
        "(point defense)"
    )


KIND_MODELS: dict[str, type[Entry]] = {
    "interceptors": Interceptor,
    "sensors": Sensor,
    "platforms": Platform,
    "threats": Threat,
}
