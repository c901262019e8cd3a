"""Stage ``validate``: data validation rules on the conditioned weekly table -> report + cleaned table.

Every rule (``validation`` section, ``conf/validation/``) has a ``severity`` (error | warning | info,
a label in the report) and an ``action``: ``fail`` (stop: the report is written, the validated
table is left as it was, exit 2), ``drop`` (remove the rows), ``clip`` (clip into the range),
``fill_zero`` (set the values to 0) or ``report`` (count only). The schema rule runs first and stops
the stage when the table is broken; the source rules (``source_rules``: truncated files, rows lost
against the last validated report, missing observed weather) judge what ``condition`` read; the
table rules then run in ``RULES`` order, each on the rows the previous ones left. The report also
records each source's row counts, the next run's baseline once committed.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.validation import Rule, ValidationConfig
from forecastops.data.manifest import read_manifest, row_counts
from forecastops.data.validate.baseline import load_baseline
from forecastops.data.validate.report import MAX_EXAMPLES, Check, build_report
from forecastops.data.validate.rules import RULES, check_rule_columns
from forecastops.data.validate.schema import schema_violations
from forecastops.data.validate.source_rules import SOURCE_RULES, SourceFacts
from forecastops.errors import ForecastopsError
from forecastops.monitoring.resources import recorded


def _schema_check(df: pd.DataFrame, rule: Rule) -> Check:
    check = Check("schema", rule, None, "standard table columns and dtypes (docs/contracts.md)")
    if rule.enabled:
        bad = schema_violations(df)
        check.violations, check.examples = len(bad), bad[:MAX_EXAMPLES]
        check.column = ", ".join(b["column"] for b in bad) or None
    return check


def validate(
    df: pd.DataFrame,
    cfg: ValidationConfig,
    today: dt.date | None = None,
    facts: SourceFacts | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], list[Check]]:
    """Run the rules; return the cleaned table, the report and the failed checks (maybe empty).

    A broken schema stops at once and is returned as failed whatever its action: the other rules
    cannot run without the columns. ``facts``: the source manifest and baseline report."""
    facts = facts or SourceFacts()
    rows_in = len(df)
    rules = cfg.rules()
    # the date stale_data measures against; unset, the data's own last week (no clock: the report
    # is a function of the data and the config alone)
    reference_date = cfg.stale_data.reference_date or today
    rules["stale_data"] = cfg.stale_data.model_copy(update={"reference_date": reference_date})
    schema = _schema_check(df, rules["schema"])
    if schema.violations:
        return df, build_report([schema], rows_in, len(df)), [schema]
    check_rule_columns(rules, df)
    checks = [schema]
    for name, source_def in SOURCE_RULES.items():
        check = Check(name, rules[name], source_def.column, source_def.description(rules[name]))
        checks.append(check)
        if check.rule.enabled:
            source_def.judge(df, check, facts)
    for name, rule_def in RULES.items():
        rule = rules[name]
        check = Check(name, rule, rule_def.column(rule), rule_def.description(rule))
        checks.append(check)
        if rule.enabled:
            df = rule_def.apply(df, check)
    report = build_report(checks, rows_in, len(df))
    if facts.manifest is not None:
        report["sources"] = row_counts(facts.manifest)
    return df, report, [c for c in checks if c.failed]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Validation rules -> report + cleaned standard weekly table."
    parser.add_argument(
        "--params", default="params.yaml", help="params file (default: params.yaml)"
    )
    parser.add_argument("--in", dest="in_path", default="artifacts/conditioned.parquet")
    parser.add_argument("--out", default="artifacts/validated.parquet")
    parser.add_argument("--report", default="reports/data_validation.json")
    parser.add_argument(
        "--baseline",
        default=None,
        help="validation report whose per-source row counts lost_rows compares with (default: "
        "the newest committed version of --report that passed, from git)",
    )


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run `forecastops condition` first")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # any unreadable file is the user's to fix: name it, no traceback
        raise ForecastopsError(f"{path}: cannot read parquet: {exc}") from exc


@recorded("validate")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "validation", ValidationConfig, source=str(args.params))
    table = _read_table(Path(args.in_path))
    facts = SourceFacts(read_manifest(args.in_path), *load_baseline(args.baseline, args.report))
    out, report, failed = validate(table, cfg, facts=facts)
    io.write_json(args.report, report)
    if failed:
        raise ForecastopsError(
            "\n".join(c.message(args.report) for c in failed)
            + f"\n{args.out} was not written (previous version kept)"
        )
    io.write_parquet(args.out, out)
    summary = report["summary"]
    noted = [
        f"{name}={entry['violations']}({entry['action']})"
        for name, entry in report.items()
        if isinstance(entry, dict) and entry.get("violations")
    ]
    print(
        f"wrote {args.out} ({summary['rows_in']} -> {summary['rows_out']} rows) and {args.report}; "
        f"violations: {', '.join(noted) or 'none'}; row counts compared with: {facts.baseline_note}"
    )
    return 0
