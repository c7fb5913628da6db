"""The malformed corpus: every bad scenario is refused cleanly by ``hoplon validate``.

Each file in ``tests/malformed/`` starts with ``# expect: <where> | <message>`` (see the
README there). A refusal must exit with code 2, print no traceback, and print exactly
one problem line that names the file, the location (field path with line and column,
a line, or the whole file) and the expected message.

Most files run through :func:`hoplon.cli.main` in this process, which is fast; a
handful run through the real ``python -m hoplon`` in a subprocess, as a user would.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR

MALFORMED_DIR = Path(__file__).resolve().parents[1] / "malformed"
BASE = MALFORMED_DIR / "_base.yaml"
CORPUS = sorted(p for p in MALFORMED_DIR.glob("*.yaml") if not p.name.startswith("_"))

#: Run through a real subprocess: one of each family (catalog name, rights, YAML
#: syntax, object-constructing tag, alias bomb, encoding, top-level shape).
SUBPROCESS_CASES = {
    "unknown_interceptor_near_miss.yaml",
    "retransfer_without_consent.yaml",
    "broken_yaml_unclosed_bracket.yaml",
    "python_object_tag.yaml",
    "alias_bomb.yaml",
    "non_utf8.yaml",
    "top_level_list.yaml",
}

#: The refusals the scenario format and the foundation issue name; each must stay
#: in the corpus.
REQUIRED_CASES = {
    "unknown_interceptor_near_miss",
    "unknown_platform_near_miss",
    "unknown_sensor_near_miss",
    "unknown_threat_near_miss",
    "target_names_no_asset_or_unit",
    "launch_point_out_of_threat_range",
    "negative_asset_value",
    "absurd_trials",
    "trials_over_memory_limit",
    "duplicate_unit_id",
    "agreement_nation_not_in_nations",
    "interceptor_fielded_without_right",
    "retransfer_without_consent",
    "unknown_key_did_you_mean",
    "wrong_type_count_is_text",
    "missing_required_name",
    "latitude_out_of_range",
    "longitude_out_of_range",
    "bad_nation_code_lowercase",
    "bad_nation_code_not_a_country",
    "unknown_agreement_kind",
    "space_sensor_given_position",
    "radar_without_position",
    "wrong_format_version",
    "missing_hoplon_key",
    "broken_yaml_unclosed_bracket",
    "empty_file",
    "whitespace_only",
    "top_level_list",
    "top_level_scalar",
    "python_object_tag",
    "alias_bomb",
    "two_documents",
    "duplicate_mapping_key",
    "non_utf8",
    "deeply_nested",
    "nonfinite_asset_value_inf",
    "nonfinite_latency_nan",
    "nonfinite_number_beyond_float_range",
    "nonfinite_text_inf_in_number_field",
    "nonfinite_text_1e400_in_number_field",
    "nonfinite_position",
    "nonfinite_magazine_count",
    "nonfinite_catalog_override",
    "nonfinite_catalog_override_as_text",
    "nonfinite_catalog_sspk",
    "nonfinite_economics_amount",
    "nonfinite_economics_text_nan",
}

_EXPECT = re.compile(r"# expect: (?P<where>.+?) \| (?P<message>.+)")


@dataclass(frozen=True)
class Expectation:
    """What a refusal must name: a field path, ``line N`` or ``file``; and a message."""

    where: str
    message: str


def expectation(path: Path) -> Expectation:
    """The ``# expect:`` header of a corpus file."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii").rstrip()
    match = _EXPECT.fullmatch(first)
    assert match, f"{path.name}: the first line must be '# expect: <where> | <message>'"
    return Expectation(match["where"], match["message"])


def assert_refused(result: tuple[int, str, str], file: str, expected: Expectation) -> None:
    """Exit code 2, no traceback, one problem line naming file, location and message."""
    code, _, stderr = result
    assert code == 2, f"exit code {code}, stderr:\n{stderr}"
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"expected exactly one refusal, got:\n{stderr}"
    line = lines[0]
    assert line.startswith(file + ":"), f"the message does not start with the file name: {line}"
    rest = line[len(file) :]
    if expected.where == "file":
        assert rest.startswith(": "), f"expected a whole-file refusal (no line): {line}"
    elif by_line := re.fullmatch(r"line (\d+)", expected.where):
        assert re.match(rf":{by_line[1]}(:\d+)?: ", rest), f"expected line {by_line[1]}: {line}"
    else:
        field = re.escape(expected.where)
        assert re.match(rf":\d+:\d+: {field}: ", rest), (
            f"expected line, column and field '{expected.where}': {line}"
        )
    assert expected.message in line, f"expected {expected.message!r} in: {line}"


def test_corpus_is_large_enough_and_covers_every_required_refusal() -> None:
    names = {p.stem for p in CORPUS}
    assert len(CORPUS) >= 49
    assert names >= REQUIRED_CASES, f"missing: {sorted(REQUIRED_CASES - names)}"
    assert {p.name for p in CORPUS} >= SUBPROCESS_CASES


def test_every_corpus_file_declares_its_expectation() -> None:
    for path in CORPUS:
        expectation(path)


def test_base_scenario_is_valid(run_main) -> None:
    """The corpus varies a valid scenario, so each file is refused for its own reason."""
    code, out, err = run_main("validate", BASE)
    assert (code, err) == (0, "")
    assert "Malformed corpus base" in out


@pytest.mark.parametrize(
    "path", [p for p in CORPUS if p.name not in SUBPROCESS_CASES], ids=lambda p: p.stem
)
def test_refused_in_process(path: Path, run_main) -> None:
    assert_refused(run_main("validate", path), str(path), expectation(path))


@pytest.mark.parametrize(
    "path", [p for p in CORPUS if p.name in SUBPROCESS_CASES], ids=lambda p: p.stem
)
def test_refused_by_the_real_command(path: Path, run_cli) -> None:
    assert_refused(run_cli("validate", path), str(path), expectation(path))


# Cases generated here rather than committed: exact bytes, or too large to keep.


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("zero_bytes.yaml", b"", "the file is empty"),
        ("spaces_and_newlines.yaml", b"\n   \n\r\n      \n", "the file is empty"),
        ("binary_with_nul.yaml", bytes(range(256)) * 8, "not a text file"),
        ("latin1.yaml", "hoplon: 1\nname: Caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
    ],
    ids=["zero_bytes", "spaces_and_newlines", "binary_with_nul", "latin1"],
)
def test_whole_file_refusals(tmp_path: Path, run_main, name: str, data: bytes, message: str):
    path = _write(tmp_path, name, data)
    assert_refused(run_main("validate", path), str(path), Expectation("file", message))


def test_random_binary_garbage_is_refused(tmp_path: Path, run_main) -> None:
    for seed in range(20):
        data = random.Random(seed).randbytes(4096)
        path = _write(tmp_path, f"garbage{seed}.bin", data)
        code, _, err = run_main("validate", path)
        assert code == 2, err
        assert "Traceback" not in err
        assert err.startswith(str(path) + ":")


def test_utf16_text_is_refused_cleanly(tmp_path: Path, run_main) -> None:
    """UTF-16 (as some editors save "Unicode" text) is refused; UTF-8 is asked for."""
    path = _write(tmp_path, "utf16.yaml", BASE.read_text(encoding="utf-8").encode("utf-16"))
    code, _, err = run_main("validate", path)
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith(str(path) + ": ")


def test_whitespace_with_tabs_is_refused_cleanly(tmp_path: Path, run_main) -> None:
    path = _write(tmp_path, "tabs.yaml", b"\t\n  \t  \n")
    code, _, err = run_main("validate", path)
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith(str(path) + ":")


def test_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, run_main, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A valid scenario padded with a comment past the limit: only its size is wrong."""
    from hoplon.scenario import yamlio

    limit = yamlio.MAX_FILE_BYTES
    base = BASE.read_bytes()
    padding = b"# " + b"x" * (limit - len(base)) + b"\n"
    path = _write(tmp_path, "huge.yaml", base + padding)
    assert path.stat().st_size > limit

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(yamlio.yaml, "compose_all", must_not_parse)
    assert_refused(
        run_main("validate", path), str(path), Expectation("file", f"{limit:,} bytes are accepted")
    )


def test_object_constructing_tags_never_run(tmp_path: Path, run_cli) -> None:
    """A tag that would run a command is refused, and the command does not run."""
    marker = tmp_path / "ran"
    text = BASE.read_text(encoding="utf-8").replace(
        "name: Malformed corpus base",
        f'name: !!python/object/apply:os.system ["touch {marker}"]',
    )
    path = _write(tmp_path, "tag.yaml", text.encode())
    result = run_cli("validate", path)
    assert_refused(result, str(path), Expectation("name", "is not accepted"))
    assert not marker.exists()


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/name:os.system",
        "!!python/object:collections.OrderedDict {}",
        '!!python/object/new:subprocess.Popen [["true"]]',
        "!!python/module:os",
        "!!set {a, b}",
        "!!omap [{a: 1}]",
    ],
)
def test_other_python_and_collection_tags_are_refused(tmp_path: Path, run_main, tagged: str):
    text = BASE.read_text(encoding="utf-8").replace("seed: 1", f"seed: {tagged}")
    path = _write(tmp_path, "tag.yaml", text.encode())
    code, _, err = run_main("validate", path)
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith(f"{path}:4:7: seed: "), err


def test_alias_bomb_is_refused_quickly(run_main) -> None:
    path = MALFORMED_DIR / "alias_bomb.yaml"
    start = time.perf_counter()
    code, _, _ = run_main("validate", path)
    assert code == 2
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_extreme_nesting_is_refused(tmp_path: Path, run_main, opener: str) -> None:
    """Nesting deep enough to exhaust the parser's recursion is a clean refusal too."""
    depth = 3_000
    closer = "]" if opener == "[" else "}"
    path = _write(tmp_path, "deep.yaml", f"hoplon: {opener * depth}1{closer * depth}\n".encode())
    code, _, err = run_main("validate", path)
    assert code == 2, err
    assert "Traceback" not in err
    assert "nesting" in err


def test_corpus_files_stay_small() -> None:
    """The corpus holds small files; the large cases are generated by the tests."""
    assert all(os.path.getsize(p) < 16_000 for p in CORPUS)


# Files that are not regular files: they cannot live in git, so they are made here.


def _block_device() -> Path | None:
    import stat

    for name in ("loop0", "vda", "sda", "nvme0n1", "xvda"):
        candidate = Path("/dev") / name
        try:
            if stat.S_ISBLK(candidate.stat().st_mode):
                return candidate
        except OSError:
            continue
    return None


def _special(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A file of ``kind`` (made under ``tmp_path`` or found in /dev), and what it is called."""
    import socket

    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        return path, "a named pipe (FIFO)"
    if kind == "symlink_to_fifo":
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "link.yaml").symlink_to(tmp_path / "pipe")
        return tmp_path / "link.yaml", "a named pipe (FIFO)"
    if kind == "directory":
        (tmp_path / "folder.yaml").mkdir()
        return tmp_path / "folder.yaml", "a folder"
    if kind == "symlink_to_directory":
        (tmp_path / "folder").mkdir()
        (tmp_path / "link.yaml").symlink_to(tmp_path / "folder")
        return tmp_path / "link.yaml", "a folder"
    if kind == "socket":
        path = tmp_path / "s.yaml"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        server.close()  # the socket file stays
        return path, "a socket"
    if kind.startswith("symlink_to_dev_"):
        link = tmp_path / "link.yaml"
        link.symlink_to(Path("/dev") / kind.removeprefix("symlink_to_dev_"))
        return link, "a character device"
    if kind.startswith("dev_"):
        return Path("/dev") / kind.removeprefix("dev_"), "a character device"
    if kind == "block_device":
        device = _block_device()
        if device is None:
            pytest.skip("no block device on this machine")
        return device, "a block device"
    raise AssertionError(kind)  # pragma: no cover


SPECIAL_KINDS = [
    "fifo",
    "symlink_to_fifo",
    "directory",
    "symlink_to_directory",
    "socket",
    "symlink_to_dev_zero",
    "symlink_to_dev_urandom",
    "dev_null",
    "dev_zero",
    "dev_full",
    "block_device",
]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and /dev are POSIX")
@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_files_that_are_not_regular_files_are_refused(tmp_path: Path, run_main, kind: str):
    """A pipe would block and a device never ends: they are refused before any read."""
    path, called = _special(tmp_path, kind)
    if "fifo" in kind:
        # a writer that gives the pipe a valid scenario once someone opens it for reading:
        # a reader that opened the pipe then gets a valid file instead of hanging this test
        threading.Thread(target=_feed_pipe, args=(path,), daemon=True).start()
    start = time.perf_counter()
    try:
        assert_refused(
            run_main("validate", path),
            str(path),
            Expectation("file", f"this is {called}, not a regular file"),
        )
    finally:
        if "fifo" in kind:  # release the writer, which waits for a reader
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    assert time.perf_counter() - start < 5.0


def _feed_pipe(path: Path) -> None:
    with contextlib.suppress(OSError), open(path, "wb") as pipe:
        pipe.write(BASE.read_bytes())


def _fifo_commands(fifo: Path, example: Path, tmp_path: Path) -> list[list[str]]:
    store = ["--no-store"]
    return [
        ["validate", str(fifo)],
        ["run", str(fifo), "-n", "10", *store],
        ["report", str(fifo), "-n", "10", "-o", str(tmp_path / "r.html")],
        ["report", str(fifo.with_suffix(".json")), "-o", str(tmp_path / "r.html")],
        ["compare", str(example), str(fifo), "-n", "10", *store],
        ["sweep", str(fifo), "--set", "trials=10", *store],
        ["coalition", str(fifo), "-n", "10", "-w", "1"],
        ["econ", str(fifo)],
    ]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_hangs_no_command(tmp_path: Path, run_cli, examples_dir: Path) -> None:
    """Every command that reads a file refuses a named pipe at once (none waits on it)."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    os.mkfifo(fifo.with_suffix(".json"))
    example = examples_dir / "japan-layered-bmd.yaml"
    for args in _fifo_commands(fifo, example, tmp_path):
        try:
            code, _, err = run_cli(*args, timeout=30)
        except Exception as exc:  # subprocess.TimeoutExpired: the command waited on the pipe
            raise AssertionError(f"hoplon {' '.join(args)} did not return: {exc}") from None
        assert code == 2, (args, err)
        assert "Traceback" not in err
        assert "named pipe (FIFO), not a regular file" in err, (args, err)


def test_a_symlink_to_dev_zero_is_refused_by_the_real_command(tmp_path: Path, run_cli) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    result = run_cli("validate", link, timeout=30)
    assert_refused(result, str(link), Expectation("file", "a character device"))


def test_a_tab_and_an_unclosed_quote_are_named_where_they_are(tmp_path: Path, run_main) -> None:
    base = (EXAMPLES_DIR / "japan-layered-bmd.yaml").read_text(encoding="utf-8")
    lines = base.splitlines(keepends=True)
    n = next(i for i, x in enumerate(lines) if x.startswith("  JPN: "))
    tabbed = "".join(lines[:n] + ["\t" + lines[n].lstrip(" ")] + lines[n + 1 :])
    path = _write(tmp_path, "tab.yaml", tabbed.encode())
    code, _, err = run_main("validate", path)
    assert code == 2
    assert err.strip() == (
        f"{path}:{n + 1}:1: not valid YAML: a tab character; YAML indents with spaces only: "
        "replace the tab with spaces"
    )
    name = next(i for i, x in enumerate(lines) if x.startswith("name: "))
    opened = "".join(lines[:name] + ['name: "Japan layered BMD\n'] + lines[name + 1 :])
    path = _write(tmp_path, "quote.yaml", opened.encode())
    code, _, err = run_main("validate", path)
    assert code == 2
    assert err.strip().startswith(f"{path}:{name + 1}:7: not valid YAML: ")
    assert f"the quoted text opened at line {name + 1}, column 7 is never closed" in err
