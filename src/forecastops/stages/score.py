"""score: batch forecasts of the next horizon for every active store x product.

Each row is stamped with the model version (a GTO version such as ``forecaster@v1.2.0`` when a
release deploys, else a content hash of the models) and the data version (the md5 DVC recorded for
the raw data), so any published number can be traced to exactly what produced it. ``forecast`` is
the mean (the quantity to order); ``p10``/``p50``/``p90`` (``model.quantiles.levels``) its quantiles
for setting stock at a service level.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.modeling.cpu_math import pin_cpu_math
from forecastops.modeling.ensemble import predict_segment, segment_dir
from forecastops.modeling.integrity import verify_models
from forecastops.modeling.rows import usable
from forecastops.monitoring.resources import batch, recorded
from forecastops.quality.intervals import quantile_columns


def content_hash(root: Path) -> str:
    """Short, stable hash of a directory's files (names and bytes)."""
    digest = hashlib.md5()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def data_version(dvc_file: Path, data_root: Path) -> str:
    """The md5 DVC tracks for the raw data (``data.dvc``), else a hash of the files."""
    if dvc_file.is_file():
        outs = (io.parse_yaml(dvc_file.read_text()) or {}).get("outs") or [{}]
        if outs[0].get("md5") and Path(outs[0].get("path", "")).name == data_root.name:
            return f"dvc:{outs[0]['md5'].removesuffix('.dir')[:12]}"
    return f"files:{content_hash(data_root)}" if data_root.is_dir() else "unknown"


def score_region(features: pd.DataFrame, models_dir: Path) -> tuple[pd.DataFrame, int]:
    """Forecasts for one region's future rows, and how many future rows could not be scored
    (series younger than the horizon have no level to forecast from yet)."""
    future = features[features["split"] == "future"]
    scorable = usable(features, "future")
    frames, shared = [], {}
    for segment, rows in scorable.groupby("segment", sort=True):
        model_dir = segment_dir(models_dir, segment)
        if not (model_dir / "meta.json").is_file():
            raise ForecastopsError(f"{model_dir}: no trained model for segment {segment}")
        with batch(len(rows)):  # scoring latency per row batch -> monitor
            frames.append(predict_segment(model_dir, rows, shared))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out, len(future) - len(scorable)


def score(
    features_dir: Path,
    models_dir: Path,
    regions: list[str],
    model_version: str,
    data_ver: str,
    cpu_math: str,
) -> pd.DataFrame:
    """Every region's forecasts; ``cpu_math`` (``train.cpu_math``): the kernels, so the forecasts'
    last bits do not depend on the CPU."""
    pin_cpu_math(cpu_math)
    frames, unscored = [], 0
    for region in regions:
        path = features_dir / f"{region}.parquet"
        if not path.is_file():
            raise ForecastopsError(f"{path}: not found; run the featurize stage first")
        future = pd.read_parquet(path, filters=[("split", "==", "future")])  # all it scores
        part, skipped = score_region(future, models_dir / region)
        frames.append(part)
        unscored += skipped
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        raise ForecastopsError(
            f"score: no active series to forecast in {features_dir} (check score.active_within_weeks)"
        )
    if unscored:
        print(f"score: warning: {unscored} future rows of series newer than the horizon not scored")
    out = out.rename(columns={"ensemble": "forecast"})
    out["week_start"] = out["week_start"].dt.strftime("%Y-%m-%d")
    for col in ("forecast", "lasso", "nn", *quantile_columns(out).values()):
        out[col] = out[col].round(3)
    out["model_version"] = model_version
    out["data_version"] = data_ver
    return out


def deployed_version(path: Path) -> str:
    """``artifact@version (commit)`` from `forecastops registry check-ref --out` JSON."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"{info['artifact']}@{info['version']} ({info['commit'][:12]})"
    except FileNotFoundError as exc:
        raise ForecastopsError(f"{path}: not found (run `forecastops registry check-ref`)") from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ForecastopsError(
            f"{path}: not a deployment record with artifact, version and commit ({exc})"
        ) from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--features", default="artifacts/features")
    parser.add_argument("--models", default="models")
    parser.add_argument("--out", default="outputs/forecasts.csv")
    parser.add_argument(
        "--model-version",
        default=os.environ.get("FORECASTOPS_MODEL_VERSION"),
        help="stamp (e.g. forecaster@v1.2.0); default $FORECASTOPS_MODEL_VERSION or a models hash",
    )
    parser.add_argument(
        "--deployment",
        help="JSON from `forecastops registry check-ref --out` (deploy.yml): stamps its version",
    )
    parser.add_argument("--data-dvc", default="data.dvc")
    parser.add_argument(
        "--lock", default="dvc.lock", help="the models must hash to what this file pins"
    )


@recorded("score")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    models_dir = Path(args.models)
    if not models_dir.is_dir():
        raise ForecastopsError(f"{models_dir}: not found; run the train stages first")
    if args.deployment:
        version = deployed_version(Path(args.deployment))
    else:
        version = args.model_version or f"workspace:{content_hash(models_dir)}"
    data_ver = data_version(Path(args.data_dvc), Path(params["env"]["data_root"]))
    regions = list(section(params, "segments", SegmentsConfig).regions)
    verify_models(models_dir, regions, Path(args.lock))  # before any model file is read
    cpu_math = section(params, "train", TrainConfig).cpu_math
    out = score(Path(args.features), models_dir, regions, version, data_ver, cpu_math)
    io.atomic_write(args.out, lambda p: out.to_csv(p, index=False))
    weeks = sorted(out["week_start"].unique())
    print(
        f"score: {len(out)} forecasts for {out[['store_id', 'product_id']].drop_duplicates().shape[0]} "
        f"series, weeks {weeks[0]}..{weeks[-1]}, model {version}, data {data_ver} -> {args.out}"
    )
    return 0
