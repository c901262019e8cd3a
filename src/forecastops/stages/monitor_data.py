"""Stage ``monitor_data``: what the newest weeks of data look like -> reports/monitoring_data.json.

Drift: the latest ``monitor.current_weeks`` history weeks against the training window, per feature
and per segment. Quality: the validation rules run again on those weeks of the conditioned table.
Only data goes in, so a change of models alone (one region retrained) leaves this stage to DVC's
cache; the ``monitor`` stage folds the report and its alerts into reports/monitoring.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.monitor import MonitorConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.validation import ValidationConfig
from forecastops.monitoring import drift, resources
from forecastops.monitoring.data_report import build
from forecastops.monitoring.inputs import read_features, read_table


def _features(folder: Path, regions: list[str], cfg: MonitorConfig) -> pd.DataFrame:
    named = cfg.drift
    wanted = ["segment", "week_start", "split", "week_of_year"]
    wanted += [*named.numeric, *named.categorical, *named.per_segment, *named.novel]
    return read_features(
        folder, regions, list(dict.fromkeys(wanted)), "named in params.yaml monitor.drift"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--table", default="artifacts/conditioned.parquet")
    parser.add_argument("--features", default="artifacts/features")
    parser.add_argument("--out", default="reports/monitoring_data.json")


@resources.recorded("monitor_data")
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "monitor", MonitorConfig)
    regions = list(section(params, "segments", SegmentsConfig).regions)
    features = _features(Path(args.features), regions, cfg)
    weeks = drift.latest_weeks(features, cfg.current_weeks)
    table = read_table(Path(args.table), "run the condition stage first")
    if len(weeks):  # quality reads only these weeks: leave the older rows unread
        table = table[table["week_start"] >= weeks[0]].reset_index(drop=True)
    rules = section(params, "validation", ValidationConfig)
    report = build(features, table, cfg, rules, dt.date.today())
    io.write_json(args.out, report)
    kinds = [a["kind"] for a in report["alerts"]]
    print(
        f"monitor_data: {kinds.count('drift')} drift and {kinds.count('quality')} quality "
        f"alert(s) in the latest {cfg.current_weeks} weeks -> {args.out}"
    )
    return 0
