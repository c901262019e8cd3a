"""Stage ``validate``: data validation rules on the conditioned weekly table -> report + cleaned table.

Every rule (``validation`` section, ``conf/validation/``) has a ``severity`` (error | warning | info,
a label in the report) and an ``action``: ``fail`` (stop: the report is written, the validated
table is left as it was, exit 2), ``drop`` (remove the rows), ``clip`` (clip into the range),
``fill_zero`` (set the values to 0) or ``report`` (count only). Rules run in a fixed order, each on
the rows the previous ones left; the report holds, per rule, the number of violations and up to 5
example rows with their lineage (``_source_file``, ``_source_row``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.validation import RangeRule, Rule, StaleRule, ValidationConfig
from forecastops.data.condition import BASE_SCHEMA, TAIL_SCHEMA
from forecastops.errors import ForecastopsError

MAX_EXAMPLES = 5
KEY = ["store_id", "product_id", "week_start"]
LINEAGE = ["_source_file", "_source_row"]
# ---------------------------------------------------------------------------------------------
# schema of the standard table


def _kind_ok(series: pd.Series, kind: str) -> bool:
    t = series.dtype
    if kind == "string":
        return pd.api.types.is_string_dtype(t) or t == np.dtype(object)
    if kind == "float":
        return pd.api.types.is_float_dtype(t)
    if kind == "datetime":
        return pd.api.types.is_datetime64_dtype(t)
    if kind == "int":
        return pd.api.types.is_integer_dtype(t)
    return pd.api.types.is_bool_dtype(t)


SCHEMA = {**BASE_SCHEMA, **TAIL_SCHEMA}


# ---------------------------------------------------------------------------------------------
# helpers


def _jsonable(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (pd.Timestamp, dt.date)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _examples(df: pd.DataFrame, mask: np.ndarray, columns: list[str]) -> list[dict[str, Any]]:
    """Up to 5 violating rows, raw rows (with lineage) first."""
    sub = df.loc[mask]
    if "_filled" in sub:
        sub = pd.concat([sub[~sub["_filled"].astype(bool)], sub[sub["_filled"].astype(bool)]])
    cols = [c for c in dict.fromkeys([*KEY, "region", *columns, *LINEAGE]) if c in sub]
    return [
        {c: _jsonable(v) for c, v in zip(cols, row, strict=True)}
        for row in sub[cols].head(MAX_EXAMPLES).itertuples(index=False)
    ]


class _Check:
    """One rule's outcome."""

    def __init__(self, name: str, rule: Rule, column: str | None, what: str):
        self.name, self.rule, self.column, self.what = name, rule, column, what
        self.violations = 0
        self.examples: list[dict[str, Any]] = []

    def entry(self) -> dict[str, Any]:
        return {
            "severity": self.rule.severity,
            "action": self.rule.action,
            "enabled": self.rule.enabled,
            "column": self.column,
            "description": self.what,
            "violations": int(self.violations),
            "examples": self.examples,
        }

    @property
    def failed(self) -> bool:
        return self.rule.enabled and self.rule.action == "fail" and self.violations > 0

    def message(self, report_path: str | None) -> str:
        files = sorted({e["_source_file"] for e in self.examples if e.get("_source_file")})
        shown = []
        for e in self.examples:
            where = (
                f"{e['_source_file']} row {e['_source_row']}"
                if e.get("_source_file")
                else "zero-filled/derived row"
            )
            vals = ", ".join(f"{k}={v}" for k, v in e.items() if k not in LINEAGE)
            shown.append(f"  {where}: {vals}")
        head = (
            f"validation rule '{self.name}' failed ({self.rule.severity}): {self.violations} "
            f"violation(s): {self.what}; column: {self.column or '-'}; "
            f"source file(s): {', '.join(files) or '-'}"
        )
        tail = f"\nfull report: {report_path}" if report_path else ""
        return head + "\nexamples:\n" + "\n".join(shown) + tail


def _history(df: pd.DataFrame) -> np.ndarray:
    return ~df["is_future"].to_numpy(bool) if "is_future" in df else np.ones(len(df), bool)


def _apply(
    df: pd.DataFrame,
    chk: _Check,
    mask: np.ndarray,
    column: str | None = None,
    lo: float | None = None,
    hi: float | None = None,
) -> pd.DataFrame:
    """Count violations, record examples, apply the rule's action (not fail: the caller stops)."""
    chk.violations = int(mask.sum())
    if not chk.violations:
        return df
    chk.examples = _examples(df, mask, [column] if column else [])
    action = chk.rule.action
    if action == "drop":
        return df.loc[~mask].reset_index(drop=True)
    if action in ("clip", "fill_zero") and column:
        df = df.copy()
        values = df[column].to_numpy(float).copy()
        if action == "fill_zero":
            values[mask] = 0.0
        else:
            values[mask] = np.clip(
                values[mask], lo if lo is not None else -np.inf, hi if hi is not None else np.inf
            )
        df[column] = values
        if column in ("units_shipped", "units_returned") and "net_demand" in df:
            fix = mask & _history(df)
            df.loc[fix, "net_demand"] = df.loc[fix, "units_shipped"] - df.loc[fix, "units_returned"]
    return df


# ---------------------------------------------------------------------------------------------
# the rules


def validate(
    df: pd.DataFrame, cfg: ValidationConfig, today: dt.date | None = None
) -> tuple[pd.DataFrame, dict[str, Any], list[_Check]]:
    """Run the rules; return the cleaned table, the report and the failed checks (maybe empty)."""
    rows_in = len(df)
    rules = cfg.rules()
    checks: list[_Check] = []

    def check(name: str, column: str | None, what: str) -> _Check | None:
        c = _Check(name, rules[name], column, what)
        checks.append(c)
        return c if rules[name].enabled else None

    # schema: required columns and dtypes; stop early if broken (the other rules need them)
    if c := check("schema", None, "standard table columns and dtypes (docs/contracts.md)"):
        bad = []
        for col, kind in SCHEMA.items():
            if col not in df:
                bad.append({"column": col, "expected": kind, "actual": "missing"})
            elif not _kind_ok(df[col], kind):
                bad.append({"column": col, "expected": kind, "actual": str(df[col].dtype)})
        c.violations, c.examples = len(bad), bad[:MAX_EXAMPLES]
        c.column = ", ".join(b["column"] for b in bad) or None
        if bad:
            return df, _report(checks, rows_in, df), [c]

    named = {
        f"validation.{name}.column": rule.column
        for name, rule in rules.items()
        if isinstance(getattr(rule, "column", None), str)
    }
    named |= {
        f"validation.missing_values.columns[{i}]": col
        for i, col in enumerate(rules["missing_values"].columns)
    }
    unknown = {key: col for key, col in named.items() if col not in df.columns}
    if unknown:
        raise ForecastopsError(
            f"params.yaml: {', '.join(f'{k} = {v!r}' for k, v in unknown.items())} "
            f"not a column of the weekly table (columns: {', '.join(df.columns)})"
        )

    if c := check("unknown_store", "store_id", "store not in the stores source (no region)"):
        df = _apply(df, c, df["region"].isna().to_numpy())
    if c := check("unknown_product", "product_id", "product not in the products source"):
        df = _apply(df, c, df["category"].isna().to_numpy())
    if c := check(
        "duplicates",
        "store_id, product_id, week_start",
        "more than one raw shipment row for a store x product x week",
    ):
        raw = _history(df) & ~df["_filled"].to_numpy(bool)
        dup = np.zeros(len(df), bool)
        dup[raw] = df.loc[raw, KEY].duplicated(keep="first").to_numpy()
        if c.rule.action != "drop":  # report / fail: show every row of each duplicated key
            dup[raw] = df.loc[raw, KEY].duplicated(keep=False).to_numpy()
        df = _apply(df, c, dup)
    if c := check(
        "negative_quantity",
        rules["negative_quantity"].column,
        f"{rules['negative_quantity'].column} < 0",
    ):
        col = rules["negative_quantity"].column
        df = _apply(df, c, _history(df) & (df[col].to_numpy(float) < 0), col, lo=0.0)
    if c := check(
        "missing_values",
        ", ".join(rules["missing_values"].columns),
        "missing demand values on history rows",
    ):
        cols = rules["missing_values"].columns
        h = _history(df)
        mask = np.zeros(len(df), bool)
        for col in cols:
            m = h & df[col].isna().to_numpy()
            mask |= m
            if c.rule.action == "fill_zero" and m.any():
                part = _Check(c.name, c.rule, col, c.what)
                df = _apply(df, part, m, col)
                c.examples = (c.examples + part.examples)[:MAX_EXAMPLES]
        c.violations = int(mask.sum())
        if c.rule.action != "fill_zero" and c.violations:
            df = _apply(df, c, mask, cols[0])
    if c := check(
        "negative_net_demand",
        rules["negative_net_demand"].column,
        "returns exceed shipments in the week",
    ):
        col = rules["negative_net_demand"].column
        df = _apply(df, c, _history(df) & (df[col].to_numpy(float) < 0), col, lo=0.0)
    for name in ("temperature_range", "promo_range", "demand_max"):
        r: RangeRule = rules[name]  # type: ignore[assignment]
        c = check(name, r.column, f"{r.column} outside [{r.min}, {r.max}]")
        if c:
            v = df[r.column].to_numpy(float)
            with np.errstate(invalid="ignore"):
                mask = ((v < r.min) if r.min is not None else False) | (
                    (v > r.max) if r.max is not None else False
                )
            df = _apply(df, c, np.asarray(mask, bool) & ~np.isnan(v), r.column, r.min, r.max)
    if c := check(
        "missing_weeks",
        "store_id, week_start",
        "store-week without any raw shipment row while the store is open and other "
        "stores reported (feed outage, or a region whose feed lags)",
    ):
        df = _apply(df, c, _missing_weeks(df))
    if c := check("stale_data", "week_start", "last history week too old"):
        r: StaleRule = rules["stale_data"]  # type: ignore[no-redef]
        h = _history(df)
        if h.any():
            last = pd.Timestamp(df.loc[h, "week_start"].max())
            ref = pd.Timestamp(r.reference_date or today or dt.date.today())
            age = (ref - (last + pd.Timedelta(days=6))).days // 7
            c.what = (
                f"last history week {last.date()} is {age} week(s) before {ref.date()} "
                f"(max {r.max_age_weeks})"
            )
            if age > r.max_age_weeks:
                c.violations = 1
                c.examples = [{"week_start": str(last.date()), "age_weeks": int(age)}]
    if c := check(
        "too_few_rows", None, f"fewer than {rules['too_few_rows'].min_rows} history rows"
    ):
        n_hist = int(_history(df).sum())
        if n_hist < rules["too_few_rows"].min_rows:  # type: ignore[attr-defined]
            c.violations = 1
            c.examples = [{"history_rows": n_hist}]
    report = _report(checks, rows_in, df)
    return df, report, [c for c in checks if c.failed]


def _missing_weeks(df: pd.DataFrame) -> np.ndarray:
    """Rows of store-weeks with no raw row while other stores (of any region) have raw rows."""
    h = _history(df)
    if not h.any():
        return np.zeros(len(df), bool)
    sub = pd.DataFrame(
        {
            "region": df["region"].to_numpy(object),
            "store_id": df["store_id"].to_numpy(object),
            "week_start": df["week_start"].to_numpy(),
            "raw": ~df["_filled"].to_numpy(bool),
        }
    )[h]
    sw = sub.groupby(["region", "store_id", "week_start"], sort=False, dropna=False)["raw"].any()
    sw = sw.reset_index()
    # Any other store reporting that week counts, so a whole region whose feed lags is caught too.
    reporting = sw[sw["raw"]].groupby("week_start").size()
    sw = sw.join(reporting.rename("n_reporting"), on="week_start")
    out_keys = sw.loc[~sw["raw"] & (sw["n_reporting"].fillna(0) > 0), ["store_id", "week_start"]]
    if out_keys.empty:
        return np.zeros(len(df), bool)
    key = pd.MultiIndex.from_frame(df[["store_id", "week_start"]].astype({"store_id": object}))
    bad = pd.MultiIndex.from_frame(out_keys.astype({"store_id": object}))
    return key.isin(bad) & h


def _report(checks: list[_Check], rows_in: int, df: pd.DataFrame) -> dict[str, Any]:
    failed = [c.name for c in checks if c.failed]
    rep: dict[str, Any] = {c.name: c.entry() for c in checks}
    rep["summary"] = {
        "rows_in": int(rows_in),
        "rows_out": len(df),
        "passed": not failed,
        "failed_rules": failed,
        "errors": sum(1 for c in checks if c.violations and c.rule.severity == "error"),
        "warnings": sum(1 for c in checks if c.violations and c.rule.severity == "warning"),
    }
    return rep


# ---------------------------------------------------------------------------------------------
# CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Validation rules -> report + cleaned standard weekly table."
    parser.add_argument(
        "--params", default="params.yaml", help="params file (default: params.yaml)"
    )
    parser.add_argument("--in", dest="in_path", default="artifacts/conditioned.parquet")
    parser.add_argument("--out", default="artifacts/validated.parquet")
    parser.add_argument("--report", default="reports/data_validation.json")


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "validation", ValidationConfig, source=str(args.params))
    path = Path(args.in_path)
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run `forecastops condition` first")
    try:
        df = pd.read_parquet(path)
    except Exception as exc:
        raise ForecastopsError(f"{path}: cannot read parquet: {exc}") from exc
    out, report, failed = validate(df, cfg)
    io.write_json(args.report, report)
    if failed:
        raise ForecastopsError(
            "\n".join(c.message(args.report) for c in failed)
            + f"\n{args.out} was not written (previous version kept)"
        )
    io.write_parquet(args.out, out)
    s = report["summary"]
    noted = [
        f"{k}={v['violations']}({v['action']})"
        for k, v in report.items()
        if k != "summary" and v["violations"]
    ]
    print(
        f"wrote {args.out} ({s['rows_in']} -> {s['rows_out']} rows) and {args.report}; "
        f"violations: {', '.join(noted) or 'none'}"
    )
    return 0
