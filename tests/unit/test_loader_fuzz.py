"""Any text given to the loader yields a scenario or a clean input error, never a crash.

``hoplon.scenario.load_text`` is the boundary between a user's file and the program:
whatever it is given, it must return a :class:`LoadedScenario` or raise
:class:`InputError` (exit code 2), never another exception (which the command line
reports as an internal error, exit code 1). Four families of input: arbitrary text,
text made of YAML punctuation, the real examples with lines deleted, duplicated,
moved and values substituted, and arbitrary or example-shaped data written out with
``yaml.safe_dump``. Inputs that once crashed the loader are kept as regression tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoplon.catalog import builtin_catalog
from hoplon.errors import InputError
from hoplon.scenario import LoadedScenario, load_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "examples" / "japan-layered-bmd.yaml",
    ROOT / "examples" / "seasparrow-ship-defense.yaml",
    ROOT / "tests" / "malformed" / "_base.yaml",
]
TEXTS = [p.read_text(encoding="utf-8") for p in SOURCES]
DATA = [yaml.safe_load(t) for t in TEXTS]
LINES = sorted({line for t in TEXTS for line in t.splitlines() if line.strip()})

FUZZ = settings(
    max_examples=60,
    deadline=None,  # a slow example is not a failure; a crash is
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check(text: str) -> LoadedScenario | InputError:
    """Load ``text``; a scenario or an input error with at least one message is fine."""
    try:
        loaded = load_text(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        assert all(p.message for p in exc.problems)
        assert exc.render().startswith("fuzz.yaml")
        return exc
    assert isinstance(loaded, LoadedScenario)
    return loaded


# Strategies

_catalog = builtin_catalog()
_NAMES = sorted({*_catalog.interceptors, *_catalog.sensors, *_catalog.platforms, *_catalog.threats})
_IDS = sorted(set(re.findall(r"\bid: ([\w.-]+)", "\n".join(TEXTS))))
_WEIRD = [
    "",
    "~",
    "null",
    "-1",
    "0",
    "-0.0",
    "1e3",
    "1.0e+400",
    ".nan",
    "-.inf",
    "0x" + "f" * 40,
    "0o777",
    "0b1010",
    "1_000",
    "190:20:30",
    "2001-12-14",
    "2001-02-30",
    "2001-12-14t21:59:43.10-05:00",
    "yes",
    "No",
    "on",
    "[]",
    "{}",
    "[1]",
    "[1, 2, 3, 4]",
    "[91, 0]",
    "[0, 181]",
    "{a: 1}",
    "'quoted'",
    '"\\u00e9\\t"',
    "&anchor value",
    "*anchor",
    "*undefined",
    "<<: {x: 1}",
    "!!str 5",
    "!!int '7'",
    "!!float x",
    "!!binary aGVsbG8=",
    "!!set {a}",
    "!!python/object/apply:os.getcwd []",
    "!custom x",
    "|\n  block",
    ">-",
    "- a",
    "? complex",
    "%YAML 1.1",
    "---",
    "...",
    "#",
    "@",
    "`",
    "\t",
    "\x00",
    "\ufeff",
    "JPN",
    "XYZ",
    "jpn",
    "fire-control",
    "early-warning",
]
scalar_text = st.one_of(
    st.sampled_from(_WEIRD),
    st.sampled_from(_NAMES),
    st.sampled_from(_IDS),
    st.integers(min_value=-(10**6), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)

_OPERATIONS = ["delete", "duplicate", "move", "value", "value", "insert", "indent", "dedent", "cut"]
_PUNCTUATION = list(":-[]{},#&*!|>'\"%@`?~. \n\t\r0123456789abxyz")
_VALUE = re.compile(r"(?<=[:\[,] )[^,\[\]{}\n]+|(?<=\[)[^,\[\]{}\n]+")


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    """A real example with a few lines deleted, duplicated, moved, re-indented or
    cut, or a value on a line replaced."""
    lines = draw(st.sampled_from(TEXTS)).splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        op = draw(st.sampled_from(_OPERATIONS))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "move":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines.insert(j, lines.pop(i))
        elif op == "value":
            spans = [m.span() for m in _VALUE.finditer(lines[i])]
            if spans:
                a, b = draw(st.sampled_from(spans))
                lines[i] = lines[i][:a] + draw(scalar_text) + lines[i][b:]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(LINES)))
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].removeprefix("  ")
        else:
            lines[i] = lines[i][: draw(st.integers(min_value=0, max_value=len(lines[i])))]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(_NAMES + _IDS + ["JPN", "USA", "track-sharing", "city"]),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def perturbed_data(draw: st.DrawFn) -> Any:
    """An example parsed to plain data, with random subtrees replaced, keys dropped
    or keys added."""

    # One change in `rate` nodes: from a scenario that mostly survives validation, and
    # so reaches the cross-reference checks, to one broken everywhere.
    rate = draw(st.sampled_from([300, 100, 30]))

    def changed() -> bool:
        return draw(st.integers(min_value=0, max_value=rate - 1)) == 0

    def walk(node: Any, depth: int) -> Any:
        if changed():
            return draw(json_like)
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if changed():
                    continue  # drop a key
                out[key] = walk(value, depth + 1)
            if changed():
                out[draw(st.sampled_from(["kind", "at", "id", "type", "extra", "from_"]))] = draw(
                    json_like
                )
            return out
        if isinstance(node, list):
            return [walk(item, depth + 1) for item in node]
        return node

    return walk(draw(st.sampled_from(DATA)), 0)


# Properties


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zs", "So"]), max_size=200))
def test_surrogates_and_control_characters(text: str) -> None:
    check(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(_PUNCTUATION), max_size=300))
def test_yaml_punctuation(text: str) -> None:
    check(text)


@FUZZ
@given(mutated_examples())
def test_mutated_examples(text: str) -> None:
    check(text)


@FUZZ
@given(json_like, st.booleans())
def test_arbitrary_data_dumped_as_yaml(data: Any, allow_unicode: bool) -> None:
    check(yaml.safe_dump(data, allow_unicode=allow_unicode))


@FUZZ
@given(perturbed_data(), st.booleans())
def test_perturbed_examples_dumped_as_yaml(data: Any, flow: bool) -> None:
    check(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False))


# The examples themselves load, so the mutations start from valid scenarios.


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_sources_load(source: Path) -> None:
    assert isinstance(check(source.read_text(encoding="utf-8")), LoadedScenario)


# Inputs that crashed the loader (an exception other than InputError), kept as
# regression tests.

BASE = TEXTS[2]

REGRESSIONS = {
    # PyYAML's int() of more than 4,300 decimal digits raises ValueError.
    "decimal integer of 5,000 digits": (BASE.replace("seed: 1", "seed: " + "9" * 5000), "seed"),
    # Hexadecimal converts, but any message showing the value could not print it.
    "hexadecimal integer of 4,000 digits as a name": (
        BASE.replace("name: Malformed corpus base", "name: 0x" + "f" * 4000),
        "name",
    ),
    "hexadecimal integer of 4,000 digits as a count": (
        BASE.replace("count: 6,", "count: 0x" + "f" * 4000 + ","),
        "threats[0].count",
    ),
    "binary integer of 20,000 digits": (BASE.replace("seed: 1", "seed: 0b" + "1" * 20000), "seed"),
    "hexadecimal integer of 4,000 digits as a key": (
        BASE.replace("seed: 1", "seed: 1\n? 0x" + "f" * 4000 + "\n: 1"),
        "",
    ),
    # A date the timestamp pattern matches but the calendar does not have.
    "impossible date": (BASE.replace("seed: 1", "seed: 2001-02-30"), "seed"),
}


@pytest.mark.parametrize(("text", "field"), REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regressions_are_clean_input_errors(text: str, field: str) -> None:
    with pytest.raises(InputError) as info:
        load_text(text, "regression.yaml")
    problem = info.value.problems[0]
    assert problem.field == field
    assert problem.line is not None
    assert len(info.value.render()) < 1000
