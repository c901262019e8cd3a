"""The README's reproducibility promises, each held by a test.

* Same machine, byte for byte: two runs of the pipeline from the same commit write the same bytes:
  dvc.lock (every model's hash), metrics.json, the DVCLive metrics, data_validation.json, the plot
  data, the forecasts and the smoke reports with their predictions. No report reads the clock.
* Across machines: another CPU's torch kernels (emulated with MKL's ``MKL_CBWR`` and torch's
  ``ATEN_CPU_CAPABILITY``) leave every model file byte for byte: ``train.cpu_math: portable`` pins
  MKL and ATen, and importing forecastops pins NumPy's and OpenBLAS's kernels before NumPy loads
  (their refusals are tested in ``tests/model/test_cpu_math.py``). Every metric then agrees within
  1e-4 of its value (where the environment names its own OpenBLAS kernels, only the networks are
  the same bytes), and the PR comment between the two runs says "No change beyond noise".
* ``dvc metrics show`` on the default configuration (14 regions, 56 segments) stays under 2,000
  characters a line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecastops import cli, numpy_kernels
from forecastops.config.compose import compose
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.report import ReportConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.validation import ValidationConfig
from forecastops.data.validate import stage as validate_stage
from forecastops.experiments import live
from forecastops.stages.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
# what a run writes that git or DVC pins (relative to the smoke workspace, or its reports copy)
PINNED = [
    "dvc.lock",
    "reports/metrics.json",
    "reports/data_validation.json",
    "reports/live/evaluate/metrics.json",
    "reports/live/regions/northeast/metrics.json",
    "reports/live/regions/texas/metrics.json",
    "reports/plots/weekly_totals.csv",
    "reports/plots/segment_mape.json",
    "outputs/forecasts.csv",
]
SMOKE_REPORTS = ["metrics.json", "data_validation.json", "predictions.parquet"]
ACROSS_MACHINES = 1e-4  # the README's promise: every metric within this share of its value
SMOKE = [sys.executable, "-m", "forecastops.cli", "smoke"]
OTHER_CPU = {"MKL_CBWR": "AVX2", "ATEN_CPU_CAPABILITY": "default"}
# the environment names NumPy/OpenBLAS kernels other than the pin's: kept, so the LASSO's bits follow
OWN_NUMPY_KERNELS = bool(numpy_kernels.own_kernels())


def _smoke(root: Path, name: str, env: dict[str, str] | None = None) -> Path:
    out = root / name
    code = subprocess.run(
        [*SMOKE, "--workdir", str(out / "ws"), "--reports", str(out / "reports")],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert code.returncode == 0, code.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("repro")
    return {
        "a": _smoke(root, "a"),
        "b": _smoke(root, "b"),
        "other_cpu": _smoke(root, "other_cpu", OTHER_CPU),
    }


@pytest.mark.slow
def test_same_machine_same_bytes(runs):
    a, b = runs["a"], runs["b"]
    for rel in PINNED:
        assert (a / "ws" / rel).read_bytes() == (b / "ws" / rel).read_bytes(), rel
    for name in SMOKE_REPORTS:
        assert (a / "reports" / name).read_bytes() == (b / "reports" / name).read_bytes(), name
    models = sorted(
        p.relative_to(a / "ws") for p in (a / "ws" / "models").rglob("*") if p.is_file()
    )
    assert models
    for rel in models:
        assert (a / "ws" / rel).read_bytes() == (b / "ws" / rel).read_bytes(), rel


def _numbers(doc: object, path: str = "") -> dict[str, float]:
    """Every number in a metrics document by its path."""
    if isinstance(doc, dict):
        return {k: v for key, sub in doc.items() for k, v in _numbers(sub, f"{path}/{key}").items()}
    if isinstance(doc, int | float) and not isinstance(doc, bool):
        return {path: float(doc)}
    return {}


@pytest.mark.slow
def test_other_machines_agree(runs, tmp_path, monkeypatch):
    a, other = runs["a"], runs["other_cpu"]
    # every model file is the same bytes: torch's kernels are pinned by train.cpu_math, NumPy's and
    # OpenBLAS's on import (only the networks where the environment names its own OpenBLAS kernels)
    pattern = "nn_*.pt" if OWN_NUMPY_KERNELS or not numpy_kernels.PINNABLE else "*"
    models = sorted(
        p.relative_to(a / "ws") for p in (a / "ws" / "models").rglob(pattern) if p.is_file()
    )
    assert any(p.name.startswith("nn_") for p in models)
    assert pattern == "nn_*.pt" or any(p.name == "lasso.json" for p in models)
    for rel in models:
        assert (a / "ws" / rel).read_bytes() == (other / "ws" / rel).read_bytes(), rel
    # the data validation report is the same bytes: it depends on data and config alone
    rel = "reports/data_validation.json"
    assert (a / "ws" / rel).read_bytes() == (other / "ws" / rel).read_bytes()
    # every metric, overall and per segment, within 1e-4 of its value
    mine = _numbers(json.loads((a / "reports" / "metrics.json").read_text()))
    theirs = _numbers(json.loads((other / "reports" / "metrics.json").read_text()))
    assert mine.keys() == theirs.keys()
    for key, value in mine.items():
        assert abs(value - theirs[key]) <= ACROSS_MACHINES * max(abs(value), 1e-9), key
    # and the PR comment between the two runs says so
    repo = tmp_path / "repo"
    smoke = repo / "reports" / "smoke"
    shutil.copytree(a / "reports", smoke, ignore=shutil.ignore_patterns("plots", ".*"))
    shutil.copy2(ROOT / "params.yaml", repo / "params.yaml")
    monkeypatch.chdir(repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "machine a"]):
        subprocess.run(["git", *args], check=True)
    for name in SMOKE_REPORTS:
        shutil.copy2(other / "reports" / name, smoke / name)
    assert cli.main(["report", "pr", "--base", "HEAD", "--out", "comment.md"]) == 0
    assert "**No change beyond noise**" in (repo / "comment.md").read_text()


class _OtherDay(dt.date):
    @classmethod
    def today(cls) -> dt.date:
        return dt.date(2031, 1, 1)


def test_the_validation_report_reads_no_clock(tmp_path, monkeypatch):
    """Run years later, the same data gives the same report: no wall-clock date in it. The sample,
    with texas's feed stopped ten weeks before northeast's, is what `stale_data` catches."""
    params = tmp_path / "params.yaml"
    assert cli.main(["params", "env=local", "--out", str(params)]) == 0
    conditioned = tmp_path / "conditioned.parquet"
    args = ["condition", "--params", str(params), "--data", str(ROOT / "sample")]
    assert cli.main([*args, "--out", str(conditioned)]) == 0
    table = pd.read_parquet(conditioned)
    history = ~table["is_future"]
    last = table.loc[history, "week_start"].max()
    gone = (
        history
        & (table["region"] == "texas")
        & (table["week_start"] > last - pd.Timedelta(weeks=10))
    )
    table = table[~gone].reset_index(drop=True)
    cfg = ValidationConfig.model_validate(compose(["env=local"], ROOT / "conf")["validation"])
    _, today, _ = validate_stage.validate(table, cfg)
    monkeypatch.setattr(validate_stage.dt, "date", _OtherDay)
    _, later, _ = validate_stage.validate(table, cfg)
    assert json.dumps(today, sort_keys=True) == json.dumps(later, sort_keys=True)
    text = json.dumps(today)
    assert str(dt.date.today()) not in text and "2031" not in text
    stale = today["stale_data"]
    assert stale["violations"] == 1 and stale["examples"][0]["region"] == "texas", stale
    assert stale["examples"][0]["age_weeks"] == 10


def _default_predictions(segments: SegmentsConfig) -> pd.DataFrame:
    """Test rows for every segment of the default configuration, in the layout train writes."""
    rng = np.random.default_rng(0)
    frames = []
    for key in segments.segment_keys():
        region, fmt, velocity = key.split("/")
        n = 26
        actual = rng.poisson(20, n).astype(float)
        forecast = actual * rng.uniform(0.7, 1.3, n)
        frames.append(
            pd.DataFrame(
                {
                    "region": region, "store_format": fmt, "velocity": velocity, "segment": key,
                    "store_id": "S1", "product_id": [f"P{i % 13}" for i in range(n)],
                    "week_start": pd.Timestamp("2024-01-01") + pd.to_timedelta(7 * (np.arange(n) // 13), "D"),
                    "lasso": forecast, "nn": forecast, "ensemble": forecast,
                    "p10": forecast * 0.6, "p50": forecast, "p90": forecast * 1.4,
                    "baseline": np.full(n, 20.0), "naive": np.roll(actual, 1), "actual": actual,
                    "mase_scale": 4.0, "nn_source": "own",
                }
            )
        )  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_dvc_metrics_show_stays_readable_on_the_default_configuration(tmp_path):
    """Every metrics file dvc.yaml declares, as the stages write them for 14 regions."""
    params = compose([], ROOT / "conf")
    segments = SegmentsConfig.model_validate(params["segments"])
    assert len(segments.segment_keys()) == 56
    preds = _default_predictions(segments)
    boot = ReportConfig.model_validate(params["report"]).bootstrap
    result = evaluate(preds, segments, EvaluateConfig.model_validate(params["evaluate"]), boot)
    live.write(tmp_path / "reports/live/evaluate", live.overall_values(result))
    values = {}
    for region, rows in preds.groupby("region"):
        scores = {"segments": {k: {"val_score": 0.3} for k in rows["segment"]}}
        select = params["model"]["ensemble"]["select_metric"]
        values[region] = live.region_values(rows, scores, select)
    live.write_regions(tmp_path / "reports/live/regions", values)
    monitoring = {  # every alert kind and level the monitor raises, and matched forecasts
        "summary": {
            "alerts": 13,
            "by_level": {"alert": 1, "warn": 12},
            "by_kind": {"drift": 10, "quality": 1, "accuracy": 1, "stale": 1},
        },
        "accuracy": {"matched_rows": 12351},
    }
    live.write(tmp_path / "reports/live/monitor", live.monitor_values(monitoring))
    shutil.copy2(ROOT / "dvc.yaml", tmp_path / "dvc.yaml")
    shutil.copy2(ROOT / "params.yaml", tmp_path / "params.yaml")
    dvc = [sys.executable, "-m", "dvc"]
    subprocess.run([*dvc, "init", "--no-scm", "-q"], cwd=tmp_path, check=True)
    out = subprocess.run(
        [*dvc, "metrics", "show"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    # a header, a row per region, the overall row, and monitoring's alert counts (issue 9)
    assert len(lines) == 1 + 14 + 1 + 1, out
    widest = max(len(line) for line in lines)
    print(f"dvc metrics show, default configuration: {len(lines)} lines, widest {widest} chars")
    assert widest < 2000, out
    assert "overall.wape" in lines[0] and "large.fast.wape" in lines[0]
