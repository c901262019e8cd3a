"""Rules on what ``condition`` read (its source manifest) rather than on table rows: no silent loss.

* ``truncated_file``: a line file cut off mid-line (its last record is not loaded);
* ``lost_rows``: a source with fewer records than in the last validated report (``baseline``; a
  source no longer configured is a config change, not compared);
* ``observed_weather``: history store-weeks whose weather fell back to climatology because
  observed weather lacks them.

They flag no rows, so their actions (fail | report) change nothing; each example names the raw
file. Without a manifest (a table not written by ``condition``) they say they did not check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from forecastops.data.manifest import Manifest, row_counts
from forecastops.data.table import history_rows
from forecastops.data.validate.actions import jsonable
from forecastops.data.validate.report import MAX_EXAMPLES, Check

NO_MANIFEST = "not checked: the table carries no source manifest (not written by condition)"


@dataclass
class SourceFacts:
    """What the source rules judge: the manifest and the baseline report (or why there is none)."""

    manifest: Manifest | None = None
    baseline: dict[str, Any] | None = None
    baseline_note: str = "no baseline report given"


@dataclass(frozen=True)
class SourceRuleDef:
    column: str | None
    description: Callable[[Any], str]  # rule config -> the report's description
    judge: Callable[[pd.DataFrame, Check, SourceFacts], None]


def truncated_file(_df: pd.DataFrame, check: Check, facts: SourceFacts) -> None:
    if facts.manifest is None:
        check.what = NO_MANIFEST
        return
    cut = [
        {
            "source": source,
            "_source_file": file,
            "_source_row": record.rows + 1,
            "line": record.cut_line,
            "text": record.cut_text,
        }
        for source, files in sorted(facts.manifest.items())
        for file, record in sorted(files.items())
        if record.cut_line is not None
    ]
    check.violations, check.examples = len(cut), cut[:MAX_EXAMPLES]


def _baseline_counts(facts: SourceFacts) -> dict[str, dict] | None:
    counts = (facts.baseline or {}).get("sources")
    return counts if isinstance(counts, dict) else None


def _loss(source: str, now: dict, before: Any) -> dict[str, Any] | None:
    """The finding of one source that had ``before`` rows in the baseline (None: no loss)."""
    if not isinstance(before, dict) or not isinstance(before.get("rows"), int):
        return None
    lost = before["rows"] - now["rows"]
    if before["rows"] <= 0 or lost <= 0:
        return None
    old_files = before.get("files") if isinstance(before.get("files"), dict) else {}
    shrunk = [f for f, n in old_files.items() if isinstance(n, int) and n > now["files"].get(f, 0)]
    return {
        "source": source,
        "rows": now["rows"],
        "baseline_rows": before["rows"],
        "lost_share": lost / before["rows"],
        "_source_file": ", ".join(sorted(shrunk) or now["files"]),
        "_source_row": None,
    }


def lost_rows(_df: pd.DataFrame, check: Check, facts: SourceFacts) -> None:
    baseline = _baseline_counts(facts)
    if facts.manifest is None or baseline is None:
        check.what = (
            NO_MANIFEST if facts.manifest is None else f"not checked: {facts.baseline_note}"
        )
        return
    losses = [
        _loss(source, now, baseline.get(source))
        for source, now in row_counts(facts.manifest).items()
    ]
    beyond = [x for x in losses if x and x["lost_share"] > check.rule.max_lost_share]
    check.violations, check.examples = len(beyond), beyond[:MAX_EXAMPLES]


def observed_weather(df: pd.DataFrame, check: Check, facts: SourceFacts) -> None:
    if facts.manifest is None or "weather_observed" not in facts.manifest:
        check.what = NO_MANIFEST if facts.manifest is None else "not checked: no weather_observed"
        return
    weeks = df.loc[history_rows(df), ["store_id", "zip", "week_start", "weather_source"]]
    weeks = weeks.drop_duplicates(["store_id", "week_start"])
    without = (weeks["weather_source"] != "observed").to_numpy()
    files = ", ".join(sorted(facts.manifest["weather_observed"]))
    share = float(without.mean()) if len(weeks) else 0.0
    check.what = (
        f"{int(without.sum())} of {len(weeks)} history store-weeks ({share:.2%}) without observed "
        f"weather ({files}): climatology or none; max share {check.rule.max_share:g}"
    )
    if share > check.rule.max_share:
        check.violations = int(without.sum())
        shown = weeks[without].sort_values(["week_start", "store_id"]).head(MAX_EXAMPLES)
        check.examples = [
            {**{k: jsonable(v) for k, v in row.items()}, "_source_file": files, "_source_row": None}
            for row in shown.to_dict("records")
        ]


SOURCE_RULES: dict[str, SourceRuleDef] = {
    "truncated_file": SourceRuleDef(
        None,
        lambda _: (
            "a csv / jsonl source file ends mid-line: its last record was cut off (not loaded)"
        ),
        truncated_file,
    ),
    "lost_rows": SourceRuleDef(
        None,
        lambda rule: (
            "a source has fewer records than in the last validated report (lost share above "
            f"{rule.max_lost_share:g})"
        ),
        lost_rows,
    ),
    "observed_weather": SourceRuleDef(
        "weather_source",
        lambda rule: f"history store-weeks without observed weather above {rule.max_share:g}",
        observed_weather,
    ),
}
