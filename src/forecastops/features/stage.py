"""Stage ``featurize``: the validated weekly table -> one model matrix per region.

The velocity split (fast/slow movers) and the train/val/test split are decided here, from config, so
every region's trainer sees the same rules. Every column conf/features names must be in the table
(``inputs``); a numeric input with no value in a segment is reported once and is 0 there.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.features.build import build_features
from forecastops.features.inputs import fill_empty, missing_columns
from forecastops.features.velocity import velocity_cut
from forecastops.monitoring.resources import recorded


def featurize(
    table: pd.DataFrame,
    cfg: FeaturesConfig,
    segments: SegmentsConfig,
    train: TrainConfig,
) -> dict[str, pd.DataFrame]:
    """Per-region model matrices for the regions this run includes (``segments.include``)."""
    missing = missing_columns(table, cfg)
    if missing:
        raise ForecastopsError(
            f"featurize: columns {missing} named in conf/features are not in the weekly table "
            f"(it has: {sorted(table.columns)})"
        )
    unknown = sorted(set(table["region"].dropna().unique()) - set(segments.all_regions))
    if unknown:
        raise ForecastopsError(
            f"featurize: regions {unknown} are in the data but not in conf/segments all_regions "
            f"(declared: {sorted(segments.all_regions)}); add them to conf/segments/default.yaml"
        )
    formats = sorted(set(table["store_format"].dropna().unique()) - set(segments.formats))
    if formats:
        raise ForecastopsError(
            f"featurize: store formats {formats} are in the data but not in segments.formats "
            f"{segments.formats}; fix the store_format rule in conf/data or add them"
        )
    cut, how = velocity_cut(table, cfg, segments.velocity, train)
    print(f"featurize: velocity: {segments.velocity.labels[0]} at or above {how}")
    table = table[table["region"].isin(list(segments.regions))]
    features = build_features(table, cfg, segments, train, cut)
    for note in fill_empty(features, cfg):
        print(f"featurize: warning: {note}")
    out = {}
    for region in segments.regions:
        part = features[features["region"] == region].reset_index(drop=True)
        if part.empty:
            raise ForecastopsError(
                f"featurize: region '{region}' from conf/segments has no data rows"
            )
        out[region] = part
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--in", dest="inp", default="artifacts/validated.parquet")
    parser.add_argument(
        "--out", default="artifacts/features", help="directory, one file per region"
    )


@recorded("featurize")  # wall, CPU, peak RSS -> monitor
def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    cfg = section(params, "features", FeaturesConfig)
    segments = section(params, "segments", SegmentsConfig)
    train = section(params, "train", TrainConfig)
    path = Path(args.inp)
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run the validate stage first")
    parts = featurize(pd.read_parquet(path), cfg, segments, train)
    with io.atomic_path(args.out) as tmp:
        tmp.mkdir()
        for region, frame in parts.items():
            frame.to_parquet(tmp / f"{region}.parquet", index=False)
    counts = {r: len(f) for r, f in parts.items()}
    print(f"featurize: {sum(counts.values())} rows in {len(counts)} regions -> {args.out}/")
    return 0
