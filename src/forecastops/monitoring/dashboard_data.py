"""What the dashboard shows, gathered into one JSON-able dict: the run (stages, validation, data
and model versions, resources), training (per segment metrics vs baseline and the gate, for the
workspace and every registered version), monitoring (drift, accuracy on actuals, stale models,
alerts) and forecasts (recent history and forecast with intervals per store x product)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.sections.monitor import DashboardConfig
from forecastops.config.sections.registry import RegistryConfig
from forecastops.gitops.registry.git import git
from forecastops.gitops.registry.tags import registered_versions
from forecastops.gitops.revisions import json_at_revision

TRAINING = ("mape", "wape", "bias", "rmse_0", "rmse_all", "mase", "baseline_mape", "baseline_wape")
TRAINING += ("baseline_bias", "baseline_rmse_0", "baseline_rmse_all", "baseline_mase", "naive_mape")
SERIES = ["store_id", "product_id"]


def _short(md5: str | None) -> str | None:
    return None if md5 is None else md5.removesuffix(".dir")[:12]


def run_section(lock: Path, validation: dict | None, forecasts: pd.DataFrame) -> dict:
    """Stages of dvc.lock with their output hashes, the validation summary, the versions."""
    stages = (io.parse_yaml(lock.read_text()) or {}).get("stages", {}) if lock.is_file() else {}
    listed = [
        {"stage": name, "outs": {o["path"]: _short(o.get("md5")) for o in s.get("outs", [])}}
        for name, s in stages.items()
    ]
    return {
        "stages": listed,
        "validation": (validation or {}).get("summary"),
        "model_versions": sorted(forecasts["model_version"].unique()),
        "data_versions": sorted(forecasts["data_version"].unique()),
    }


def _segment_rows(metrics: dict | None) -> dict:
    segments = (metrics or {}).get("segments", {})
    return {
        key: {**{k: block.get(k) for k in TRAINING}, "gate": block.get("gate")}
        for key, block in segments.items()
    }


def training_section(metrics: dict | None, repo: Path, registry: RegistryConfig) -> dict:
    """Per segment figures of the workspace and of each registered version's committed metrics
    (none outside a git repository, e.g. the smoke workspace)."""
    versions = [{"version": "workspace", "overall": (metrics or {}).get("overall")}]
    versions[0]["segments"] = _segment_rows(metrics)
    in_git = bool(git("rev-parse", "--git-dir", repo=repo, check=False))
    for v in registered_versions(repo, registry.artifact) if in_git else []:
        committed = json_at_revision(v["commit"], registry.metrics, repo)
        versions.append(
            {
                "version": f"{registry.artifact}@{v['version']}",
                "commit": v["commit"][:12],
                "created_at": v["created_at"],
                "overall": (committed or {}).get("overall"),
                "segments": _segment_rows(committed),
            }
        )
    return {"versions": versions}


def _of_series(rows: pd.DataFrame, chosen: pd.DataFrame) -> dict[tuple, pd.DataFrame]:
    """The rows of the chosen series, by series, in their order: one pass, not one lookup per
    series in every series' rows (the dashboard's cost at 140 regions)."""
    keep = pd.MultiIndex.from_frame(rows[SERIES]).isin(pd.MultiIndex.from_frame(chosen[SERIES]))
    return {key: g for key, g in rows[keep].groupby(SERIES, sort=False)}


def forecasts_section(
    forecasts: pd.DataFrame, history: pd.DataFrame, cfg: DashboardConfig
) -> list[dict]:
    """Each segment's largest series (``max_series`` in all, spread over segments): its last
    ``history_weeks`` actuals and its forecast with the quantile band."""
    per_segment = max(1, cfg.max_series // max(1, forecasts["segment"].nunique()))
    volume = forecasts.groupby(["segment", *SERIES])["forecast"].sum().reset_index()
    chosen = volume.sort_values("forecast", ascending=False).groupby("segment").head(per_segment)
    recent = history[
        history["week_start"] > history["week_start"].max() - pd.Timedelta(weeks=cfg.history_weeks)
    ]
    actual, future = _of_series(recent, chosen), _of_series(forecasts, chosen)
    out = []
    for row in chosen.sort_values(["segment", *SERIES]).itertuples(index=False):
        key = (row.store_id, row.product_id)
        past = actual.get(key, recent.iloc[:0])
        ahead = future[key]
        region, store_format, velocity = row.segment.split("/")
        out.append(
            {
                "store_id": row.store_id,
                "product_id": row.product_id,
                "region": region,
                "format": store_format,
                "velocity": velocity,
                "history": [
                    [str(w.date()), round(float(t), 2)]
                    for w, t in zip(past["week_start"], past["target"], strict=True)
                ],
                "forecast": [
                    [str(w.date()), f, lo, hi]
                    for w, f, lo, hi in zip(
                        ahead["week_start"],
                        ahead["forecast"],
                        ahead["p10"],
                        ahead["p90"],
                        strict=True,
                    )
                ],
            }
        )
    return out
