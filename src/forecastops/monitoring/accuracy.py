"""Accuracy as actuals arrive: every forecast ``score`` wrote, archived in the forecast log with
its ``model_version``, is matched with its actual once that week is history.

The references are what was known when the forecast was made (its origin: the first week of its
scoring run): the historical average of each series before the origin (``baseline``), its last
week before the origin (``naive``) and, for MASE, the segment's in-sample MAE of the naive forecast
``horizon`` weeks back. The block of figures is evaluate's (``quality.blocks.score_block``) and
the verdict the class's gate (``quality.gate.judge``), so monitoring and training speak alike.
"""

from __future__ import annotations

import pandas as pd

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.monitor import AccuracyConfig
from forecastops.monitoring.alerts import Alert
from forecastops.quality.blocks import score_block
from forecastops.quality.gate import judge

SERIES = ["store_id", "product_id"]
KEY = ["model_version", *SERIES, "week_start"]
WEEKLY = ("mape", "wape", "bias", "rmse_0", "rmse_all", "baseline_mape", "baseline_wape", "n_rows")


def archive(log: pd.DataFrame | None, forecasts: pd.DataFrame) -> pd.DataFrame:
    """The forecast log with the latest forecasts added (a rerun replaces its own rows)."""
    both = pd.concat([x for x in (log, forecasts) if x is not None], ignore_index=True)
    both["week_start"] = pd.to_datetime(both["week_start"])
    both = both.drop_duplicates(KEY, keep="last")
    return both.sort_values(KEY, kind="stable").reset_index(drop=True)


def _references(rows: pd.DataFrame, history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """One origin's forecasts with baseline, naive and mase_scale from the weeks before it."""
    known = history[history["week_start"] < rows["week_start"].min()].sort_values("week_start")
    series = known.groupby(SERIES)["target"]
    keys = pd.MultiIndex.from_frame(rows[SERIES])
    rows = rows.assign(
        baseline=series.mean().reindex(keys).fillna(0.0).to_numpy(),
        naive=series.last().reindex(keys).fillna(0.0).to_numpy(),
    )
    naive_error = (known["target"] - known[f"lag_{horizon}"]).abs()
    scale = naive_error.groupby(known["segment"]).mean()
    return rows.assign(mase_scale=rows["segment"].map(scale).to_numpy(dtype=float))


def matched(log: pd.DataFrame, history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Logged forecasts whose week has an actual (``history``: features rows with ``target``)."""
    actuals = history[[*SERIES, "week_start", "target"]].rename(columns={"target": "actual"})
    rows = log.merge(actuals.dropna(subset=["actual"]), on=[*SERIES, "week_start"])
    rows = rows.rename(columns={"forecast": "ensemble"})
    origin = log.groupby(["model_version", "data_version"])["week_start"].min().rename("origin")
    rows = rows.join(origin, on=["model_version", "data_version"])
    parts = [_references(r, history, horizon) for _, r in rows.groupby("origin", sort=True)]
    return pd.concat(parts, ignore_index=True) if parts else rows


def weekly(rows: pd.DataFrame) -> list[dict]:
    """Per model version, segment and week: the headline figures, as actuals arrived."""
    out = []
    for (version, segment, week), part in rows.groupby(
        ["model_version", "segment", "week_start"], sort=True
    ):
        block = score_block(part)
        out.append(
            {"model_version": version, "segment": segment, "week_start": str(week.date())}
            | {k: block[k] for k in WEEKLY}
        )
    return out


def segments(
    rows: pd.DataFrame, gate: EvaluateConfig, tested: dict, cfg: AccuracyConfig
) -> tuple[dict, list[Alert]]:
    """Per segment over all matched weeks: the block, its gate verdict, and an alert when it fails
    (``alert_level`` when also worse than its test figure by more than ``max_degradation``)."""
    blocks, alerts = {}, []
    for segment, part in rows.groupby("segment", sort=True):
        block = score_block(part)
        verdict = judge(str(segment), block, gate)
        block["gate"] = verdict.as_dict()
        block["weeks"] = int(part["week_start"].nunique())
        blocks[str(segment)] = block
        if verdict.passed or verdict.metric is None:
            continue
        test_value = (tested.get(segment) or {}).get(verdict.metric)
        worse = verdict.value is not None and test_value is not None
        worse = worse and verdict.value > test_value * (1 + cfg.max_degradation)
        text = f"{segment}: on actuals {verdict.reason}"
        if test_value is not None:
            text += f" (test {verdict.metric} {test_value:.4f})"
        level = cfg.alert_level if worse else cfg.fail_level
        alerts.append(
            Alert(
                level,
                "accuracy",
                str(segment),
                verdict.metric,
                verdict.value,
                verdict.threshold,
                text,
            )
        )
    return blocks, alerts
