"""The scenario format, version 1, as frozen pydantic models.

The models check each value on its own (types, ranges, names of enumerations); checks
that need the whole scenario or the catalog (references, rights, ranges to targets)
live in :mod:`hoplon.scenario.checks`. Positions are ``[lat, lon]`` or
``[lat, lon, alt_m]`` in degrees and metres; times in seconds.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hoplon.economics.rates import check_currency, check_rate_year
from hoplon.economics.schema import Economics, check_nation_code
from hoplon.numbers import NoBoolNumbers, refuse_bool

FORMAT_VERSION = 1
#: Most trials a run accepts (memory is also checked against the scenario's size).
MAX_TRIALS = 50_000_000
#: Largest raid (threats in one raid entry) accepted.
MAX_RAID = 100_000


class Strict(NoBoolNumbers):
    """Frozen, and refuses keys it does not know, and true/false where a number goes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Tagged(BaseModel):
    """As :class:`Strict`, for the members of a union told apart by ``kind`` (pydantic
    allows no before-validator on that field): their number fields are named here."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("latency_s", mode="before", check_fields=False)
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_bool(cls, value, info)


def _check_position(value: tuple[float, ...]) -> tuple[float, ...]:
    lat, lon = value[0], value[1]
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat} is outside -90..90 (positions are [lat, lon] in degrees)")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(
            f"longitude {lon} is outside -180..180 (positions are [lat, lon] in degrees)"
        )
    if len(value) == 3 and not -500.0 <= value[2] <= 100_000.0:
        raise ValueError(f"altitude {value[2]} m is outside -500..100000 m")
    return value


Position = Annotated[
    tuple[float, float] | tuple[float, float, float],
    AfterValidator(_check_position),
    Field(
        description="[latitude, longitude] in degrees (WGS84), optionally [lat, lon, altitude_m]."
    ),
]


NationCode = Annotated[
    str, AfterValidator(check_nation_code), Field(description="ISO 3166 alpha-3 code, e.g. JPN.")
]
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="An id: letters, digits, '-', '_' or '.'.",
    ),
]


def lat_lon_alt(position: tuple[float, ...]) -> tuple[float, float, float]:
    """A position as (lat_deg, lon_deg, alt_m), altitude 0 when not given."""
    return (position[0], position[1], position[2] if len(position) == 3 else 0.0)


class Nation(Strict):
    name: str = Field(min_length=1, description="Display name.")


class TrackSharing(Tagged):
    kind: Literal["track-sharing"]
    from_: NationCode = Field(alias="from", description="Nation whose sensors produce the tracks.")
    to: NationCode = Field(description="Nation that receives them.")
    latency_s: float = Field(default=0.0, ge=0, le=600, description="Delay of shared tracks, s.")
    quality: Literal["early-warning", "fire-control"] = Field(
        description="early-warning: cueing only; fire-control: the receiver may engage on them."
    )


class Link(Tagged):
    """A track network among several nations: every member shares its tracks with every
    other, as the ``n (n - 1)`` pairwise ``track-sharing`` agreements it stands for."""

    kind: Literal["link"]
    members: list[NationCode] = Field(
        min_length=2, max_length=200, description="Nations on the network (two or more)."
    )
    latency_s: float = Field(default=0.0, ge=0, le=600, description="Delay of shared tracks, s.")
    quality: Literal["early-warning", "fire-control"] = Field(
        description="early-warning: cueing only; fire-control: the receivers may engage on them."
    )

    def pairs(self) -> list[TrackSharing]:
        """The pairwise track-sharing agreements this network is equal to."""
        return [
            TrackSharing.model_validate(
                {
                    "kind": "track-sharing",
                    "from": a,
                    "to": b,
                    "latency_s": self.latency_s,
                    "quality": self.quality,
                }  # fmt: skip
            )
            for a in self.members
            for b in self.members
            if a != b
        ]


class CollectiveDefense(Tagged):
    kind: Literal["collective-defense"]
    nations: list[NationCode] = Field(
        min_length=2, description="Nations whose units defend each other's assets and units."
    )


class TechnologyTransfer(Tagged):
    kind: Literal["technology-transfer"]
    origin: NationCode = Field(description="Nation that transfers (need not be in `nations`).")
    recipient: NationCode = Field(description="Nation that receives the items.")
    items: list[str] = Field(min_length=1, description="Catalog interceptor names transferred.")
    retransfer_consent: list[NationCode] = Field(
        default_factory=list,
        description="Third countries the origin agreed the recipient may pass the items to.",
    )


class Acsa(Tagged):
    kind: Literal["acsa"]
    nations: list[NationCode] = Field(
        min_length=2, description="Nations whose units may transfer interceptors between waves."
    )


Agreement = Annotated[
    TrackSharing | Link | CollectiveDefense | TechnologyTransfer | Acsa,
    Field(discriminator="kind"),
]


class Asset(Strict):
    id: Identifier
    nation: NationCode
    kind: Literal["city", "base", "port", "ship", "site"] = Field(description="What it is.")
    at: Position
    value: float = Field(
        default=1.0, ge=0, le=1e9, description="Relative value for value-weighted metrics."
    )


class SensorPlacement(Strict):
    id: Identifier
    nation: NationCode
    type: str = Field(description="A catalog sensor.")
    at: Position | None = Field(
        default=None,
        description="Position; [lat, lon, alt_m] for airborne; none for space sensors.",
    )
    facing_deg: float | None = Field(
        default=None, ge=0, le=360, description="Boresight azimuth for a limited field of regard."
    )
    status: UnitStatus = Field(
        default="candidate", description="existing (sunk acquisition) or candidate (default)."
    )
    program: str | None = Field(
        default=None, description="An economics program or consortium id splitting its cost."
    )
    cost: CostOverride | None = Field(
        default=None, description="This site's own cost figures, replacing the catalog's."
    )


UnitStatus = Literal["existing", "candidate"]


class CostOverride(Strict):
    """A unit's or sensor site's own cost figures, replacing its catalog entry's.

    Money is in ``currency`` of ``year`` (converted as every economics figure is:
    :func:`hoplon.economics.money_in_base_usd`); a figure left out is the catalog's.
    """

    acquisition: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        le=1e15,
        description="Acquisition cost, `currency` of `year`.",
    )
    annual_om: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        le=1e15,
        description="Operating and support cost a year, `currency` of `year`.",
    )
    service_life_years: float | None = Field(
        default=None, gt=0, le=100, description="Service life, years."
    )
    currency: str = Field(
        default="USD", description="ISO 4217 code of an ECB reference currency (or USD, EUR)."
    )
    year: int | None = Field(
        default=None,
        ge=1900,
        le=2100,
        description="Year of the money (and of the annual average exchange rate used).",
    )
    source: str | None = Field(default=None, description="Where the figures come from.")

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, currency: str) -> str:
        return check_currency(currency)

    @model_validator(mode="after")
    def _money_has_year(self) -> CostOverride:
        money = self.acquisition is not None or self.annual_om is not None
        if money and self.year is None:
            raise ValueError("year is required with acquisition or annual_om (the money's year)")
        if money and self.year is not None:
            check_rate_year(self.currency, self.year)
        return self


class Unit(Strict):
    id: Identifier
    nation: NationCode
    type: str = Field(description="A catalog platform.")
    at: Position
    facing_deg: float | None = Field(
        default=None, ge=0, le=360, description="Boresight azimuth of the platform's own radar."
    )
    magazine: dict[str, Annotated[int, Field(ge=0, le=100_000)]] = Field(
        description="Interceptors carried: catalog interceptor name → count."
    )
    value: float = Field(
        default=1.0,
        ge=0,
        le=1e9,
        description="Relative value when threats target this unit (an extension of format 1).",
    )
    status: UnitStatus = Field(
        default="candidate",
        description=(
            "existing: already bought (its acquisition and magazine are sunk; its operating "
            "and support cost counts); candidate (default): bought for this architecture."
        ),
    )
    program: str | None = Field(
        default=None,
        description=(
            "An id of economics.programs or economics.consortia whose shares split this "
            "unit's cost among nations (default: the unit's nation pays; program = its type)."
        ),
    )
    cost: CostOverride | None = Field(
        default=None, description="This unit's own cost figures, replacing the catalog's."
    )
    island: bool = Field(
        default=False,
        description="A land unit on an island too small for the shipped 1:50m coastlines "
        "(Wake, Midway): not refused as standing at sea.",
    )


class Launch(Strict):
    at_s: float = Field(default=0.0, ge=0, le=86_400, description="First launch, s from start.")
    every_s: float = Field(
        default=0.0, ge=0, le=86_400, description="Interval between launches, s."
    )


#: Most stand-off missiles one launcher carries.
MAX_STANDOFF = 64


class Standoff(Strict):
    """Stand-off missiles a launch platform (an aircraft, ship or submarine) carries: it
    flies toward its target until ``release_range_km`` from it and launches ``count``
    missiles of the catalog threat ``missile`` there (an extension of format 1)."""

    missile: str = Field(description="A catalog threat (ballistic, cruise or glide).")
    count: int = Field(ge=1, le=MAX_STANDOFF, description="Missiles each launcher carries.")
    release_range_km: float = Field(
        gt=0, le=20_000, description="Ground distance from the target at which it launches, km."
    )

    @property
    def release_range_m(self) -> float:
        return self.release_range_km * 1000.0


class Raid(Strict):
    id: Identifier
    nation: NationCode | None = Field(default=None, description="Attacking nation (optional).")
    type: str = Field(description="A catalog threat.")
    from_: Position = Field(alias="from", description="Launch point.")
    target: str = Field(description="An asset id or a unit id.")
    count: int = Field(default=1, ge=1, le=MAX_RAID, description="Missiles or aircraft.")
    launch: Launch = Field(default_factory=Launch)
    standoff: Standoff | None = Field(
        default=None,
        description="Stand-off missiles each launcher of the raid carries and launches at "
        "its release range (an extension of format 1).",
    )

    @property
    def n_threats(self) -> int:
        """Threats the raid expands to: its launchers and the missiles they carry."""
        return self.count * (1 + (self.standoff.count if self.standoff else 0))


class Wave(Strict):
    """One wave of a campaign: its raids, launched relative to the wave's start."""

    id: Identifier
    start_s: float = Field(
        default=0.0, ge=0, le=10_000_000, description="Start of the wave, s from scenario start."
    )
    threats: list[Raid] = Field(min_length=1, description="The raids of this wave.")


class Doctrine(Strict):
    shots_per_engagement: int = Field(
        default=2, ge=1, le=8, description="Interceptors fired together at one threat."
    )
    shoot_look_shoot: bool = Field(
        default=True, description="The same unit may re-engage after assessing a miss."
    )
    assessment_s: float = Field(default=10.0, ge=0, le=600, description="Time to assess a kill, s.")
    assignment: Literal[
        "earliest-intercept", "cheapest-capable", "preserve-upper-tier", "planned"
    ] = Field(default="earliest-intercept", description="Which capable unit engages.")
    layered: bool = Field(
        default=False,
        description="An earlier tier fires first when a later tier is left as a second chance.",
    )
    reserve: Literal["expected"] | int | float = Field(
        default="expected",
        description=(
            "Upper-tier interceptors preserve-upper-tier keeps per stock: 'expected' (the "
            "expected demand of the threats only the upper tier can reach, later in the "
            "raid), a whole number, or a fraction of the load below 1."
        ),
    )

    @field_validator("reserve")
    @classmethod
    def _reserve_amount(cls, value: str | int | float) -> str | int | float:
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or value < 0:
            raise ValueError("must be 'expected', a whole number >= 0 or a fraction below 1")
        if value >= 1 and value != int(value):
            raise ValueError(
                f"{value:g} is neither a whole number of interceptors nor a fraction below 1"
            )
        if value > 100_000:
            raise ValueError("must be at most 100,000 interceptors")
        return int(value) if value >= 1 or isinstance(value, int) else float(value)


class CatalogAdditions(Strict):
    """Additions to, or field-by-field overrides of, the built-in catalog."""

    interceptors: dict[str, dict[str, Any]] = Field(default_factory=dict)
    sensors: dict[str, dict[str, Any]] = Field(default_factory=dict)
    platforms: dict[str, dict[str, Any]] = Field(default_factory=dict)
    threats: dict[str, dict[str, Any]] = Field(default_factory=dict)


# ----------------------------------------------------------------------------- uncertain


class Uniform(Strict):
    """``{uniform: [low, high]}``: every value between low and high equally likely."""

    uniform: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        low, high = self.uniform
        if not low < high:
            raise ValueError(f"uniform: [low, high] needs low < high (got [{low:g}, {high:g}])")
        return self


class Triangular(Strict):
    """``{triangular: [low, mode, high]}``: most likely at mode, none outside low..high."""

    triangular: tuple[float, float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        low, mode, high = self.triangular
        if not (low <= mode <= high and low < high):
            raise ValueError(
                "triangular: [low, mode, high] needs low <= mode <= high and low < high "
                f"(got [{low:g}, {mode:g}, {high:g}])"
            )
        return self


class BetaDistribution(Strict):
    """``{beta: [alpha, beta]}`` on 0..1, or ``{beta: [alpha, beta, low, high]}`` scaled."""

    beta: tuple[float, float] | tuple[float, float, float, float]

    @model_validator(mode="after")
    def _shape(self) -> BetaDistribution:
        a, b = self.beta[0], self.beta[1]
        if not (a > 0 and b > 0):
            raise ValueError(
                f"beta: [alpha, beta, ...] needs alpha > 0 and beta > 0 (got {a:g}, {b:g})"
            )
        if len(self.beta) == 4 and not self.beta[2] < self.beta[3]:
            raise ValueError("beta: [alpha, beta, low, high] needs low < high")
        return self


class Normal(Strict):
    """``{normal: [mean, sd, low, high]}``: a normal distribution truncated to low..high."""

    normal: tuple[float, float, float, float]

    @model_validator(mode="after")
    def _shape(self) -> Normal:
        mean, sd, low, high = self.normal
        if not sd > 0:
            raise ValueError(f"normal: [mean, sd, low, high] needs sd > 0 (got {sd:g})")
        if not low < high:
            raise ValueError(
                f"normal: [mean, sd, low, high] needs low < high (got {low:g}, {high:g})"
            )
        return self


class Choice(Strict):
    """``{choice: [v1, v2, ...]}``: one of the values, each equally likely."""

    choice: list[bool | int | float | str] = Field(min_length=1, max_length=1_000)


Distribution = Uniform | Triangular | BetaDistribution | Normal | Choice

#: Most uncertain parameters a scenario may name.
MAX_UNCERTAIN = 200


# ------------------------------------------------------------------------- trade study

#: Most options one candidate may offer, and most copies of one unit a candidate fields.
MAX_CHOICES = 64
MAX_COPIES = 16
Tier = Literal["upper", "high", "lower", "point"]


def _choices(value: Any) -> Any:
    """``choose: 0..2`` (a range, inclusive, optional step ``0..24..8``), a list, or one number."""
    if isinstance(value, bool):
        raise ValueError(
            "choose is whole numbers: a range lo..hi, a list [8, 16, 24] or one number"
        )
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        parts = value.replace(" ", "").split("..")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            nums = []
        if len(nums) not in (2, 3) or (len(nums) == 3 and nums[2] <= 0) or nums[0] > nums[1]:
            raise ValueError(
                f"cannot read the range {value!r}; write lo..hi or lo..hi..step with whole "
                "numbers, lo <= hi and a positive step (0..1, 8..24..8), or a list [8, 16, 24]"
            )
        return list(range(nums[0], nums[1] + 1, nums[2] if len(nums) == 3 else 1))
    return value


class Candidate(Strict):
    """One choice of a trade study (docs/tradespace.md): how many of a unit of ``units``
    to field (and at which of the sites ``at``), or how many of one interceptor its
    magazine holds."""

    unit: Identifier = Field(description="A unit of `units`: its nation, type and magazine.")
    magazine: str | None = Field(
        default=None,
        description="An interceptor the unit's magazine holds: `choose` is then its count.",
    )
    choose: Annotated[
        list[Annotated[int, Field(ge=0, le=100_000)]],
        Field(min_length=1, max_length=MAX_CHOICES),
    ] = Field(
        default=[0, 1],
        description="The values offered, the first being the current architecture's: "
        "copies of the unit (default 0..1), or the magazine count.",
    )
    at: list[Position] | dict[str, Position] | None = Field(
        default=None,
        description="Sites the unit may stand at: each copy at a different one "
        "(a list, or a mapping of site name to position).",
    )

    @field_validator("choose", mode="before")
    @classmethod
    def _read_choose(cls, value: Any) -> Any:
        return _choices(value)

    @model_validator(mode="after")
    def _shape(self) -> Candidate:
        if len(set(self.choose)) != len(self.choose):
            raise ValueError(f"choose offers a value twice ({self.choose}); give each once")
        if self.magazine is not None and self.at is not None:
            raise ValueError(
                "a magazine choice takes no sites (at); give them in a candidate of its own"
            )
        return self

    def sites(self) -> list[tuple[str, tuple[float, ...]]]:
        """The sites as (name, position); a list's sites are named site-1, site-2, ..."""
        if self.at is None:
            return []
        if isinstance(self.at, dict):
            return list(self.at.items())
        return [(f"site-{i}", pos) for i, pos in enumerate(self.at, start=1)]


def _budget(value: Any) -> Any:
    amounts = value.items() if isinstance(value, dict) else [(None, value)]
    for nation, amount in amounts:
        if isinstance(amount, int | float) and not isinstance(amount, bool) and amount < 0:
            where = f" for {nation}" if nation else ""
            raise ValueError(f"a budget{where} is US dollars, 0 or more")
    return value


class Constraints(Strict):
    """What an architecture of a trade study must respect."""

    budget: Annotated[float | dict[NationCode, float] | None, AfterValidator(_budget)] = Field(
        default=None,
        description="Most life-cycle cost, US dollars of the economics base year: in all, "
        "or per nation (nation -> dollars, what each nation pays).",
    )
    max_units: int | None = Field(default=None, ge=0, description="Most units fielded in all.")
    require_tiers: list[Tier] | None = Field(
        default=None, description="Tiers the architecture must field (an interceptor held)."
    )


class Scenario(Strict):
    """One scenario file."""

    hoplon: Literal[1] = Field(description="Format version.")
    name: str = Field(min_length=1, max_length=200, description="Scenario name.")
    description: str | None = None
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Random seed.")
    trials: int = Field(default=10_000, ge=1, le=MAX_TRIALS, description="Monte Carlo trials.")
    nations: dict[NationCode, Nation] = Field(
        min_length=1, description="Nations taking part, keyed by ISO 3166 alpha-3 code."
    )
    agreements: list[Agreement] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    sensors: list[SensorPlacement] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    threats: list[Raid] = Field(default_factory=list)
    waves: list[Wave] = Field(
        default_factory=list,
        description="Several waves (an extension of format 1); magazines carry over between "
        "them and ACSA partners rebalance interceptors. Use either `threats` or `waves`.",
    )
    doctrine: Doctrine = Field(default_factory=Doctrine)
    catalog: CatalogAdditions = Field(default_factory=CatalogAdditions)
    economics: Economics | None = Field(
        default=None,
        description="Burden sharing: programs, consortia, production (docs/economics.md).",
    )
    uncertain: dict[str, Distribution] | None = Field(
        default=None,
        max_length=MAX_UNCERTAIN,
        description="Notional figures as distributions, keyed by field path, for `hoplon "
        "uncertainty` and `hoplon sensitivity` (docs/sensitivity.md). A run ignores them.",
    )
    candidates: list[Candidate] | None = Field(
        default=None,
        max_length=64,
        description="The choices of `hoplon trade` (docs/tradespace.md). A run ignores them.",
    )
    constraints: Constraints | None = Field(
        default=None, description="What a trade study's architectures must respect."
    )

    @field_validator("hoplon", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        if value != FORMAT_VERSION:
            raise ValueError(
                f"format version {value!r} is not supported; this Hoplon reads 'hoplon: {FORMAT_VERSION}'"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _is_mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            kind = type(data).__name__
            raise ValueError(
                f"a scenario is a mapping of keys (hoplon, name, nations, ...); this file holds a {kind}"
            )
        # an empty section (`agreements:` with nothing under it) means none
        empty_lists = ("agreements", "assets", "sensors", "units", "threats", "waves")
        return {k: ([] if v is None and k in empty_lists else v) for k, v in data.items()}

    @model_validator(mode="after")
    def _threats_or_waves(self) -> Scenario:
        if self.threats and self.waves:
            raise ValueError(
                "give raids either under `threats` (a single wave) or under `waves`, not both"
            )
        return self

    def wave_list(self) -> list[Wave]:
        """The waves in order; a scenario with top-level `threats` is one wave at t = 0."""
        if self.waves:
            return list(self.waves)
        return [Wave(id="wave-1", start_s=0.0, threats=self.threats)] if self.threats else []

    @property
    def raids(self) -> list[Raid]:
        """Every raid of every wave, in file order."""
        return [raid for _, raid in self.raid_entries()]

    def raid_entries(self) -> list[tuple[tuple[str | int, ...], Raid]]:
        """Every raid with its field path (``threats[i]`` or ``waves[w].threats[i]``)."""
        if self.waves:
            return [
                (("waves", w, "threats", i), raid)
                for w, wave in enumerate(self.waves)
                for i, raid in enumerate(wave.threats)
            ]
        return [(("threats", i), raid) for i, raid in enumerate(self.threats)]
