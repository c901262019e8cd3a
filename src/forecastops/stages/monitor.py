"""Stage ``monitor``: watch the models once they score -> reports/monitoring.json.

It takes drift and data quality from the ``monitor_data`` stage's report (the data alone decides
them, so DVC skips that stage when only models changed), archives the latest forecasts in the
forecast log (a persistent DVC output) and matches every logged forecast with the actual that has
arrived since (accuracy), flags models trained too long before the scoring date (stale) and
reports what each stage's last run cost (resources). The report carries one ``alerts`` list; an
alert at ``monitor.fail_on`` or worse exits 3 once everything is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.monitor import LEVELS, MonitorConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.experiments import live
from forecastops.monitoring import accuracy, resources
from forecastops.monitoring.alerts import reaching
from forecastops.monitoring.inputs import read_data_report, read_features, read_forecasts
from forecastops.monitoring.report import Inputs, build

ALERTED = 3  # exit status when alerts reach the configured level (2: an error)


def _history(folder: Path, regions: list[str], horizon: int) -> pd.DataFrame:
    """The history rows of every region, only the columns accuracy reads (parquet is columnar)."""
    wanted = ["segment", "store_id", "product_id", "week_start", "split", "target"]
    columns, why = [*wanted, f"lag_{horizon}"], "the monitor's accuracy on actuals"
    return read_features(folder, regions, columns, why, history=True)


def _inputs(args: argparse.Namespace, params: dict, horizon: int) -> Inputs:
    regions = list(section(params, "segments", SegmentsConfig).regions)
    history = _history(Path(args.features), regions, horizon)
    data_report, data_alerts = read_data_report(Path(args.data_report))
    forecasts = read_forecasts(Path(args.forecasts), "run the score stage first")
    log_path = Path(args.log)
    log = read_forecasts(log_path, "") if log_path.is_file() else None
    return Inputs(
        history=history,
        data_report=data_report,
        data_alerts=data_alerts,
        log=accuracy.archive(log, forecasts),
        forecasts=forecasts,
        tested=(io.read_json(args.metrics) or {}).get("segments", {}),
        records=resources.latest(),
        repo=io.repo_root(Path.cwd()),
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data-report", default="reports/monitoring_data.json")
    parser.add_argument("--features", default="artifacts/features")
    parser.add_argument("--forecasts", default="outputs/forecasts.csv")
    parser.add_argument("--metrics", default="reports/metrics.json")
    parser.add_argument("--log", default="monitoring/forecast_log.parquet")
    parser.add_argument("--out", default="reports/monitoring.json")
    parser.add_argument("--live", default=None, help="DVCLive dir for the alert counts")
    parser.add_argument(
        "--resources",
        default="reports/resources.json",
        help="the stages' last runs (not a DVC output: timings differ on every run)",
    )
    parser.add_argument(
        "--fail-on",
        choices=[*LEVELS, "never"],
        help="exit 3 at this alert level or worse (default: params monitor.fail_on)",
    )


@resources.recorded("monitor")
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "monitor", MonitorConfig)
    horizon = section(params, "train", TrainConfig).horizon_weeks
    data = _inputs(args, params, horizon)
    gate = section(params, "evaluate", EvaluateConfig)
    report = build(data, cfg, gate, horizon, dt.date.today())
    io.write_parquet(args.log, data.log)
    io.write_json(args.out, report)
    io.write_json(args.resources, resources.summary(data.records))
    if args.live:
        live.write(args.live, live.monitor_values(report))
    fail_on = args.fail_on or cfg.fail_on
    s = report["summary"]
    print(
        f"monitor: {s['alerts']} alert(s) {s['by_level']} by kind {s['by_kind']}; "
        f"{report['accuracy']['matched_rows']} forecasts matched with actuals -> {args.out}"
    )
    for alert in report["alerts"]:
        print(f"  {alert['level']:<5} {alert['kind']:<8} {alert['message']}")
    if fail_on != "never" and reaching(report["alerts"], fail_on):
        print(f"monitor: alerts at level '{fail_on}' or worse (monitor.fail_on): exit {ALERTED}")
        return ALERTED
    return 0
