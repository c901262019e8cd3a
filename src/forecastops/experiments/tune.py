"""``forecastops tune --region R``: search one region's model overrides on its validation weeks
and write the winner into ``conf/`` (``segments.all_regions.<R>.model``).

Every candidate (``search``) is trained exactly as ``train@R`` trains the region, in scratch, and
scored on the validation weeks: the region's ``model.ensemble.select_metric`` of each segment's
chosen ensemble, weighted by validation rows. The test weeks are never looked at, so they stay the
honest measure that ``dvc repro`` (or ``forecastops exp run``) reports afterwards. The current
settings compete too: a candidate must beat them to be written; if none does, conf/ is unchanged.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from forecastops import io
from forecastops.config.compose import compose, validate
from forecastops.errors import ForecastopsError
from forecastops.exec.store import WorkStore
from forecastops.experiments import search
from forecastops.experiments.conf_edit import set_values
from forecastops.stages.train import train_region


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", required=True)
    parser.add_argument("overrides", nargs="*", help="this search only: tune.* overrides")
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")
    parser.add_argument("--params", default="params.yaml", help="recomposed with the winner")
    parser.add_argument("--features", default=None, help="default: artifacts/features/<region>")
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")


def validation_score(summary: dict) -> float | None:
    """The segments' chosen ensembles' validation scores, weighted by their validation rows."""
    scored = [
        (info["val_score"], info["n_val"])
        for info in summary["segments"].values()
        if info["val_score"] is not None and info["n_val"]
    ]
    total = sum(n for _, n in scored)
    return sum(s * n for s, n in scored) / total if total else None


def _inputs(args: argparse.Namespace) -> tuple[Any, pd.DataFrame]:
    foreign = [o for o in args.overrides if not o.lstrip("+~").startswith("tune.")]
    if foreign:
        raise ForecastopsError(f"tune: only tune.* overrides apply to a search, not {foreign}")
    typed = validate(compose(args.overrides, args.conf))
    if args.region not in typed.segments.regions:
        raise ForecastopsError(f"tune: region '{args.region}' is not one this config trains")
    path = Path(args.features or f"artifacts/features/{args.region}.parquet")
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found; run `dvc repro featurize` first")
    return typed, pd.read_parquet(path)


def run(args: argparse.Namespace) -> int:
    typed, features = _inputs(args)
    region = args.region
    base = typed.segments.model_params(region, typed.model.model_dump())
    points = [{}, *search.candidates(typed.tune)]
    models = [search.model_for(base, p, region) for p in points]  # all checked before fitting
    metric = typed.model.ensemble.select_metric
    print(
        f"tune {region}: {len(points) - 1} candidates ({typed.tune.method}) + the current settings"
    )
    executor = typed.executor.root
    scores = []
    scratch = io.scratch_root(Path(args.params).resolve())
    scratch.mkdir(parents=True, exist_ok=True)
    for point, model in zip(points, models, strict=True):
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            # a store of its own: a candidate's fits never reach the pipeline's work store
            store = WorkStore(Path(tmp) / "work")
            configs = (model, typed.features, typed.train)
            _, summary, _ = train_region(
                features, region, typed.segments, configs, Path(tmp) / "models", executor, store
            )
        scores.append(validation_score(summary))
        shown = "n/a" if scores[-1] is None else f"{scores[-1]:.4f}"
        print(f"  validation {metric} {shown}  {search.label(point)}", flush=True)
    finite = [(s, i) for i, s in enumerate(scores) if s is not None]
    if not finite:
        raise ForecastopsError(f"tune {region}: no candidate has a validation {metric}")
    best, index = min(finite)
    if index == 0:
        print(
            f"tune {region}: the current settings are best ({metric} {best:.4f}); conf/ unchanged"
        )
        return 0
    keys = {f"segments.all_regions.{region}.model.{k}": v for k, v in points[index].items()}
    verb = "would write" if args.dry_run else "wrote"
    if not args.dry_run:
        set_values(keys, Path(args.conf), Path(args.params))
    current = "n/a" if scores[0] is None else f"{scores[0]:.4f}"
    print(f"tune {region}: best {metric} {best:.4f} (current {current}); {verb}:")
    print(f"  {search.label(keys)}")
    return 0
