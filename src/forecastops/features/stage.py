"""Stage ``featurize``: the validated weekly table -> one model matrix per region, built and written
one region at a time (memory grows with the table, not with every region's matrix besides it).

The velocity split (fast/slow movers) and the train/val/test split are decided here, from config, so
every region's trainer sees the same rules. Every column conf/features names must be in the table
(``inputs``); a numeric input with no value in a segment is reported once and is 0 there.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.features.build import build_features
from forecastops.features.inputs import describe_empty, fill_empty, missing_columns
from forecastops.features.split import last_history_week
from forecastops.features.velocity import velocity_cut
from forecastops.monitoring.resources import recorded


def _check(table: pd.DataFrame, cfg: FeaturesConfig, segments: SegmentsConfig) -> None:
    """Every input column present, every region and store format declared in conf/."""
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


def featurize_regions(
    table: pd.DataFrame,
    cfg: FeaturesConfig,
    segments: SegmentsConfig,
    train: TrainConfig,
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each included region's model matrix (``segments.include``), built one region at a time so
    memory holds the table and one region, never every region's matrix; the velocity cut and the
    last history week are the whole run's, so a region's rows do not depend on the others'."""
    _check(table, cfg, segments)
    cut, how = velocity_cut(table, cfg, segments.velocity, train)
    print(f"featurize: velocity: {segments.velocity.labels[0]} at or above {how}")
    included = table["region"].isin(list(segments.regions))
    last = last_history_week(table.loc[included, "week_start"], table.loc[included, "is_future"])
    empty: dict[str, list[str]] = {}
    n_segments = 0
    for region in segments.regions:
        rows = table[table["region"] == region]
        if rows.empty:
            raise ForecastopsError(
                f"featurize: region '{region}' from conf/segments has no data rows"
            )
        part = build_features(rows, cfg, segments, train, cut, last)
        for column, where in fill_empty(part, cfg).items():
            empty.setdefault(column, []).extend(where)
        n_segments += part["segment"].nunique()
        yield region, part.reset_index(drop=True)
    for note in describe_empty(empty, n_segments):
        print(f"featurize: warning: {note}")


def featurize(
    table: pd.DataFrame,
    cfg: FeaturesConfig,
    segments: SegmentsConfig,
    train: TrainConfig,
) -> dict[str, pd.DataFrame]:
    """Per-region model matrices for the regions this run includes (``segments.include``)."""
    return dict(featurize_regions(table, cfg, segments, train))


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
    counts = {}
    with io.atomic_path(args.out) as tmp:
        tmp.mkdir()
        for region, frame in featurize_regions(pd.read_parquet(path), cfg, segments, train):
            frame.to_parquet(tmp / f"{region}.parquet", index=False)
            counts[region] = len(frame)
    print(f"featurize: {sum(counts.values())} rows in {len(counts)} regions -> {args.out}/")
    return 0
