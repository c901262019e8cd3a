"""Property-based: every reader kind (csv, jsonl, json) fed random truncations, dropped lines and
byte garbage ends in a named error (naming the file) or a reported finding, never a traceback:

* a truncation or a dropped line never passes silently (``truncated_file`` or ``lost_rows``), and a
  cut mid-line shows even with no row counts to compare with;
* binary garbage (control characters, invalid UTF-8) is always a named error;
* any garbage whatsoever is a named error, a finding or a load: never another exception (garbage
  that reads as valid values, a digit for a digit, cannot be told from data).

Each example rewrites one file of the tiny default-layout fixture, loads it with the source's real
adapter (conf/data/default.yaml) and runs the real source rules (``truncated_file``,
``lost_rows``, conf/validation/default.yaml) against the intact file's row counts as baseline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forecastops.config.load import section
from forecastops.config.sections.data import DataConfig
from forecastops.config.sections.validation import ValidationConfig
from forecastops.data.adapters.files import BINARY
from forecastops.data.adapters.load import load_source
from forecastops.data.manifest import row_counts
from forecastops.data.validate.report import Check
from forecastops.data.validate.source_rules import SOURCE_RULES, SourceFacts
from forecastops.errors import ForecastopsError

# reader kind -> a source of the default company read by it (csv: weather has nullable columns, so
# a cut-off line still parses; shipments has none)
KINDS = {
    "csv": "weather_observed",
    "csv_shipments": "shipments",
    "jsonl": "returns",
    "json": "stores",
}
CHECKED = ("truncated_file", "lost_rows")
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Case:
    """One source of the fixture: its spec, file, intact bytes and intact load."""

    def __init__(self, params: dict, root: Path, kind: str) -> None:
        self.name = KINDS[kind]
        self.spec = getattr(section(params, "data", DataConfig).sources, self.name)
        self.rules = section(params, "validation", ValidationConfig)
        self.root = root
        self.path = sorted(self.root.glob(self.spec.path))[-1]
        self.intact = self.path.read_bytes()
        self.loaded = load_source(self.name, self.spec, self.root)

    def outcome(self, data: bytes, baseline: bool = True) -> str:
        """'error' (named), a finding's rule name, 'same' (nothing lost) or 'silent'; with
        ``baseline`` row counts are compared with the intact file's, else with nothing."""
        self.path.write_bytes(data)
        try:
            loaded = load_source(self.name, self.spec, self.root)
        except ForecastopsError as exc:
            assert str(self.path) in str(exc), f"error does not name the file: {exc}"
            return "error"
        finally:
            self.path.write_bytes(self.intact)
        counts = {
            "summary": {"passed": True},
            "sources": row_counts({self.name: self.loaded.files}),
        }
        facts = SourceFacts({self.name: loaded.files}, counts if baseline else None, "none")
        for rule in CHECKED:
            check = Check(rule, getattr(self.rules, rule), None, "")
            SOURCE_RULES[rule].judge(pd.DataFrame(), check, facts)
            if check.violations:
                relative = self.path.relative_to(self.root).as_posix()
                assert any(relative in e["_source_file"] for e in check.examples), check.examples
                return rule
        return "same" if loaded.frame.equals(self.loaded.frame) else "silent"


@pytest.fixture(params=list(KINDS))
def case(request, base_params, raw_default) -> Case:
    return Case(base_params["default"], raw_default, request.param)


@pytest.fixture(params=[k for k in KINDS if k != "json"])
def line_case(request, base_params, raw_default) -> Case:
    """A source in a line format (a line of pretty-printed JSON is part of a record, not one)."""
    return Case(base_params["default"], raw_default, request.param)


@EXAMPLES
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_file_cut_mid_line_shows_without_any_baseline(case, cut):
    """No row counts to compare with (a fresh repository, or a file that grew since it was last
    validated): the cut itself must show."""
    data = case.intact[: int(len(case.intact) * cut)]
    assume(not data.endswith(b"\n"))
    result = case.outcome(data, baseline=False)
    # 'same': a JSON Lines file cut just before its final newline lost nothing
    assert result in ("error", "truncated_file", "same"), f"cut at byte {len(data)}: {result}"


@EXAMPLES
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_truncated_file_is_an_error_or_a_finding(case, cut):
    data = case.intact[: int(len(case.intact) * cut)]
    result = case.outcome(data)
    assert result != "silent", f"cut at byte {len(data)} of {len(case.intact)} passed silently"


@EXAMPLES
@given(pick=st.integers(min_value=0))
def test_a_dropped_line_is_an_error_or_a_finding(line_case, pick):
    lines = line_case.intact.splitlines(keepends=True)
    dropped = pick % len(lines)
    result = line_case.outcome(b"".join(lines[:dropped] + lines[dropped + 1 :]))
    assert result in ("error", "lost_rows", "truncated_file"), (dropped, result)


def _binary(garbage: bytes) -> bool:
    """Bytes no text file holds: a control character or invalid UTF-8."""
    try:
        return BINARY.search(garbage.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return True


@EXAMPLES
@given(
    garbage=st.binary(min_size=1, max_size=64).filter(_binary),
    where=st.floats(min_value=0, max_value=1),
    overwrite=st.booleans(),
)
def test_binary_garbage_is_a_named_error(case, garbage, where, overwrite):
    at = int(len(case.intact) * where)
    data = case.intact[:at] + garbage + case.intact[at + (len(garbage) if overwrite else 0) :]
    result = case.outcome(data)
    # garbage that ends up in a cut-off last line is not loaded: the cut is the finding
    assert result == "error" or (result == "truncated_file" and not data.endswith(b"\n")), result


@EXAMPLES
@given(
    garbage=st.one_of(st.binary(min_size=1, max_size=64), st.text(min_size=1).map(str.encode)),
    where=st.floats(min_value=0, max_value=1),
    overwrite=st.booleans(),
)
def test_any_garbage_never_ends_in_a_traceback(case, garbage, where, overwrite):
    at = int(len(case.intact) * where)
    data = case.intact[:at] + garbage + case.intact[at + (len(garbage) if overwrite else 0) :]
    case.outcome(data)
