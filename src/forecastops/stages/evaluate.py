"""Stage ``evaluate``: test-week accuracy per segment and overall -> reports/metrics.json and plots.

The headline is MAPE against the historical-average baseline (mape_reduction = 1 - mape /
baseline_mape), as in the reference case; WAPE, bias and the naive "last known week" reference sit
beside it so a few tiny actuals cannot hide a bad model. Pass/fail metric and threshold are config.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.errors import ForecastopsError
from forecastops.quality import metrics
from forecastops.quality.gate import judge
from forecastops.quality.plots import plot_segments, weekly_totals


def _reduction(model: float | None, reference: float | None) -> float | None:
    if model is None or not reference:
        return None
    return 1 - model / reference


def score_block(key: str, frame: pd.DataFrame, cfg: EvaluateConfig) -> dict:
    """All metrics for one set of test rows (a segment, or everything)."""
    actual = frame["actual"]
    out = metrics.summary(actual, frame["ensemble"])
    for name in ("baseline", "naive", "lasso", "nn"):
        ref = metrics.summary(actual, frame[name])
        out.update({f"{name}_{k}": ref[k] for k in ("mape", "wape", "rmse_0", "rmse_all")})
    out["mape_reduction"] = _reduction(out["mape"], out["baseline_mape"])
    out["mape_reduction_vs_naive"] = _reduction(out["mape"], out["naive_mape"])
    out["wape_reduction"] = _reduction(out["wape"], out["baseline_wape"])
    out["passed"] = judge(key, out, cfg).passed
    out["beats_baseline"] = (
        out["mape"] is not None
        and out["baseline_mape"] is not None
        and out["mape"] < out["baseline_mape"]
    )
    return out


def evaluate(preds: pd.DataFrame, segments: SegmentsConfig, cfg: EvaluateConfig) -> dict:
    """The metrics.json document: {"overall": {...}, "segments": {key: {...}}}."""
    per_segment = {
        key: score_block(key, rows, cfg) for key, rows in preds.groupby("segment", sort=True)
    }
    overall = score_block("overall", preds, cfg)
    overall.pop("passed")
    overall.update(
        {
            "segments_total": len(per_segment),
            "segments_passed": sum(s["passed"] for s in per_segment.values()),
            "segments_beating_baseline": sum(s["beats_baseline"] for s in per_segment.values()),
            "pass_metric": cfg.pass_metric,
            "pass_threshold": cfg.pass_threshold,
            "missing_segments": sorted(set(segments.segment_keys()) - set(per_segment)),
        }
    )
    return {"overall": overall, "segments": per_segment}


def load_predictions(models_dir: Path, regions: list[str]) -> pd.DataFrame:
    frames = []
    for region in regions:
        path = models_dir / region / "test_predictions.parquet"
        if not path.is_file():
            raise ForecastopsError(f"{path}: not found; run `dvc repro train@{region}`")
        frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--models", default="models")
    parser.add_argument("--out", default="reports/metrics.json")


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    segments = section(params, "segments", SegmentsConfig)
    cfg = section(params, "evaluate", EvaluateConfig)
    preds = load_predictions(Path(args.models), list(segments.regions))
    result = evaluate(preds, segments, cfg)
    totals = weekly_totals(preds)
    plots = Path(cfg.plots_dir)
    with io.atomic_path(plots) as tmp:
        plot_segments(totals, tmp / "segments")
        overall = totals.groupby("week_start", sort=True)[
            ["actual", "ensemble", "baseline", "naive"]
        ]
        overall.sum().round(3).reset_index().to_csv(tmp / "weekly_totals.csv", index=False)
        rows = [
            {"segment": k, "mape": v["mape"], "baseline_mape": v["baseline_mape"]}
            for k, v in result["segments"].items()
        ]
        (tmp / "segment_mape.json").write_text(json.dumps(rows, indent=1) + "\n")
    io.write_json(args.out, result)
    o = result["overall"]

    def f(key: str, spec: str = ".3f") -> str:
        return "n/a" if o[key] is None else format(o[key], spec)

    print(
        f"evaluate: MAPE {f('mape')} vs baseline {f('baseline_mape')} "
        f"(reduction {f('mape_reduction', '.1%')}); naive {f('naive_mape')}; WAPE {f('wape')}; "
        f"{o['segments_passed']}/{o['segments_total']} segments pass {cfg.pass_metric} <= {cfg.pass_threshold}; "
        f"{o['segments_beating_baseline']} beat the baseline -> {args.out}"
    )
    return 0
