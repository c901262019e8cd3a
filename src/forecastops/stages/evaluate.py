"""Stage ``evaluate``: test-week accuracy per segment and overall -> reports/metrics.json and plots.

The metrics of each block are ``quality.blocks.score_block`` (shared with ``monitor``): MAPE against
the historical-average baseline as in the reference case, with WAPE, bias, MASE, each component and
the naive "last known week" reference beside it so a few tiny actuals cannot hide a bad model. Each
segment's verdict is ``quality.gate.judge`` with the rule of its class (``evaluate.gate``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.report import BootstrapConfig, ReportConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.errors import ForecastopsError
from forecastops.experiments import live
from forecastops.modeling.integrity import matches_lock
from forecastops.monitoring.resources import recorded
from forecastops.quality.blocks import score_block, segment_counts
from forecastops.quality.bootstrap import CLASS_ROW, OVERALL
from forecastops.quality.gate import Verdict, by_class, judge
from forecastops.quality.plots import plot_segments, weekly_totals
from forecastops.quality.versus import versus_better_component


def _segment_block(key: str, rows: pd.DataFrame, cfg: EvaluateConfig) -> tuple[dict, Verdict]:
    block = score_block(rows)
    block["nn_source"] = str(rows["nn_source"].iloc[0])
    verdict = judge(key, block, cfg)
    block["gate"] = verdict.as_dict()
    block["passed"] = verdict.passed
    return block, verdict


def evaluate(
    preds: pd.DataFrame, segments: SegmentsConfig, cfg: EvaluateConfig, boot: BootstrapConfig
) -> dict:
    """The metrics.json document: {"overall", "classes" (per segment class, with how many of its
    segments pass), "segments"}; each segment carries its gate verdict (which rule, the figure,
    the threshold, pass or why not)."""
    per_segment, verdicts = {}, {}
    versus = versus_better_component(preds, boot)
    for key, rows in preds.groupby("segment", sort=True):
        per_segment[str(key)], verdicts[str(key)] = _segment_block(str(key), rows, cfg)
        per_segment[str(key)]["versus_better_component"] = versus[str(key)]
    overall = score_block(preds)
    overall.update(
        {
            "versus_better_component": versus[OVERALL],
            "segments_total": len(per_segment),
            "segments_passed": sum(v.passed for v in verdicts.values()),
            **segment_counts(per_segment, cfg.bias_tolerance),
            "bias_tolerance": cfg.bias_tolerance,
            "gate_classes": by_class(verdicts),
            "failing_segments": sorted(k for k, v in verdicts.items() if not v.passed),
            "missing_segments": sorted(set(segments.segment_keys()) - set(per_segment)),
        }
    )
    classes = {
        str(cls): {
            **score_block(rows),
            **by_class(verdicts).get(str(cls), {}),
            "versus_better_component": versus[CLASS_ROW.format(cls)],
        }
        for cls, rows in preds.groupby("velocity", sort=True)
    }
    return {"overall": overall, "classes": classes, "segments": per_segment}


def load_predictions(models_dir: Path, regions: list[str]) -> pd.DataFrame:
    frames = []
    for region in regions:
        path = models_dir / region / "test_predictions.parquet"
        if not path.is_file():
            raise ForecastopsError(f"{path}: not found; run `dvc repro train@{region}`")
        frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True)


def region_live_values(
    preds: pd.DataFrame, models_dir: Path, segments: SegmentsConfig, model_params: dict
) -> dict[str, dict]:
    """Per region, what DVCLive logs of its training: each segment's test WAPE and the validation
    score its ensemble was chosen on (the region's ``segments.json``)."""
    out = {}
    for region, rows in preds.groupby("region", sort=True):
        summary = json.loads((models_dir / str(region) / "segments.json").read_text())
        cfg = ModelConfig.model_validate(segments.model_params(str(region), model_params))
        out[str(region)] = live.region_values(rows, summary, cfg.ensemble.select_metric)
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--models", default="models")
    parser.add_argument("--out", default="reports/metrics.json")
    parser.add_argument("--lock", default="dvc.lock", help="pins the last run's charts")
    parser.add_argument("--live", default=None, help="DVCLive metrics dir (default: none)")
    parser.add_argument(
        "--live-regions", default=None, help="DVCLive dir of per-region dirs (default: none)"
    )


@recorded("evaluate")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    segments = section(params, "segments", SegmentsConfig)
    cfg = section(params, "evaluate", EvaluateConfig)
    boot = section(params, "report", ReportConfig).bootstrap
    preds = load_predictions(Path(args.models), list(segments.regions))
    result = evaluate(preds, segments, cfg, boot)
    totals = weekly_totals(preds)
    plots = Path(cfg.plots_dir)
    previous = plots / "segments"  # the last run's charts, reused only as dvc.lock pins them
    trusted = previous if matches_lock(previous, Path(args.lock)) else None
    if previous.is_dir() and trusted is None:
        print(f"evaluate: {previous} is not what {args.lock} pins: every chart is drawn")
    with io.atomic_path(plots) as tmp:
        drawn = plot_segments(totals, tmp / "segments", previous=trusted)
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
    if args.live:
        live.write(args.live, live.overall_values(result))
    if args.live_regions:
        values = region_live_values(preds, Path(args.models), segments, params["model"])
        live.write_regions(args.live_regions, values)
    o = result["overall"]

    def f(key: str, spec: str = ".3f") -> str:
        return "n/a" if o[key] is None else format(o[key], spec)

    print(
        f"evaluate: MAPE {f('mape')} vs baseline {f('baseline_mape')} "
        f"(reduction {f('mape_reduction', '.1%')}); naive {f('naive_mape')}; WAPE {f('wape')}; "
        f"bias {f('bias', '+.1%')}; {o['segments_passed']}/{o['segments_total']} segments pass "
        f"the gate {o['gate_classes']} -> {args.out}; {drawn} segment charts drawn, "
        f"{totals['segment'].nunique() - drawn} unchanged"
    )
    return 0
