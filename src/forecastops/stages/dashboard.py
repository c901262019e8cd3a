"""Stage ``dashboard``: reports/dashboard/index.html, for business users as much as engineers.

One self-contained page (``monitoring.dashboard_page``) from what the pipeline wrote: the run
(dvc.lock, the validation report, versions, resources), training per segment for the workspace and
every registered version (the registry's tags, each version's committed metrics), monitoring
(reports/monitoring.json), the stages' resources (their own log) and forecasts with recent history per store x product, filterable by
region, format and velocity.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.monitor import MonitorConfig
from forecastops.config.sections.registry import RegistryConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.errors import ForecastopsError
from forecastops.monitoring import resources
from forecastops.monitoring.dashboard_data import (
    forecasts_section,
    run_section,
    training_section,
)
from forecastops.monitoring.dashboard_page import render
from forecastops.monitoring.inputs import read_features, read_forecasts

TITLE = "forecastops: weekly demand forecasts"


def _required(path: str, what: str) -> dict:
    found = io.read_json(path)
    if found is None:
        raise ForecastopsError(f"{path}: not found; {what}")
    return found


def _history(folder: Path, regions: list[str]) -> pd.DataFrame:
    columns = ["store_id", "product_id", "week_start", "split", "target"]
    return read_features(folder, regions, columns, "the dashboard's history", history=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--metrics", default="reports/metrics.json")
    parser.add_argument("--monitoring", default="reports/monitoring.json")
    parser.add_argument("--validation", default="reports/data_validation.json")
    parser.add_argument("--forecasts", default="outputs/forecasts.csv")
    parser.add_argument("--features", default="artifacts/features")
    parser.add_argument("--lock", default="dvc.lock")
    parser.add_argument("--out", default="reports/dashboard/index.html")


@resources.recorded("dashboard")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "monitor", MonitorConfig).dashboard
    regions = list(section(params, "segments", SegmentsConfig).regions)
    forecasts = read_forecasts(Path(args.forecasts), "run the score stage first")
    data = {
        "run": run_section(Path(args.lock), io.read_json(args.validation), forecasts),
        "training": training_section(
            io.read_json(args.metrics),
            io.repo_root(Path.cwd()),
            section(params, "registry", RegistryConfig),
        ),
        "monitoring": _required(args.monitoring, "run the monitor stage first")
        | {"resources": resources.summary(resources.latest())},
        "forecasts": forecasts_section(forecasts, _history(Path(args.features), regions), cfg),
    }
    page = render(data, TITLE)
    io.write_text(args.out, page)
    print(f"dashboard: {len(data['forecasts'])} series, {len(page) / 1e6:.2f} MB -> {args.out}")
    return 0
