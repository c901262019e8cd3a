"""A fitted segment ensemble: its metadata, the blend, and loading it back to forecast.

The ensemble is a LASSO/NN blend of smeared (mean) component forecasts, scaled and shrunk towards
the series' running mean, with conformal quantiles around it; everything chosen on validation weeks
(``forecastops.modeling.choose``). Batch scoring and test predictions both go through
:func:`predict_segment`, so they cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd

from forecastops.config.sections.model import NNSource
from forecastops.errors import ForecastopsError
from forecastops.modeling.baselines import running_mean
from forecastops.modeling.calibration import quantile_forecasts, to_units
from forecastops.modeling.design import Design
from forecastops.modeling.lasso import load_lasso
from forecastops.modeling.net import EmbeddingNet
from forecastops.modeling.nets import load_nns, predict_nns
from forecastops.modeling.shared import SHARED_DIR, load_shared_nn
from forecastops.quality.intervals import quantile_name

ID_COLUMNS = [
    "region",
    "store_format",
    "velocity",
    "segment",
    "store_id",
    "product_id",
    "week_start",
]


@dataclass
class EnsembleMeta:
    segment: str
    nn_source: str  # own | shared (the region's networks, <models>/<region>/region_nn) | average
    nn_weight: float
    scale: float
    mean_weight: float
    smearing: dict[str, float]  # Duan factor per component (1.0: none)
    quantile_levels: list[float]
    quantile_offsets: list[float]  # conformal, on the log1p scale
    nn_epochs: list[int]  # one per seed of the segment's own networks
    design: Design
    nn_shape: dict
    n_train: int
    n_val: int
    mase_scale: float | None  # in-sample MAE of the naive forecast
    source_scores: dict[str, float | None]
    val_scores: dict[str, float | None]
    # the grid's best against the better single component (``choose``); {} in models from
    # before it was recorded, which load and forecast as before
    evidence: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> EnsembleMeta:
        raw = json.loads(path.read_text())
        raw["design"] = Design(**raw["design"])
        return cls(**raw)


def combine(
    lasso: np.ndarray,
    nn_units: np.ndarray,
    mean: np.ndarray,
    nn_weight: float,
    scale: float,
    mean_weight: float,
) -> np.ndarray:
    """The ensemble: LASSO/NN blend, scaled, shrunk towards the series' running mean."""
    return (1 - mean_weight) * scale * (
        (1 - nn_weight) * lasso + nn_weight * nn_units
    ) + mean_weight * mean


Networks = tuple[Design, list[EmbeddingNet]]


def average_relative(own: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The ``average`` NN source: the segment's and the region's networks, on the log scale."""
    return (np.asarray(own, dtype=float) + np.asarray(region, dtype=float)) / 2


def _nn_relative(
    model_dir: Path, meta: EnsembleMeta, rows: pd.DataFrame, shared: dict[Path, Networks]
) -> np.ndarray:
    """The NN forecast (log-relative) of the source the segment chose: its own networks, its
    region's shared ones, or their average; a region's shared networks are loaded once into
    ``shared`` for all its segments."""
    if meta.nn_source not in get_args(NNSource):
        raise ForecastopsError(
            f"{model_dir / 'meta.json'}: nn_source {meta.nn_source!r} is not one of "
            f"{', '.join(get_args(NNSource))}"
        )
    forecasts = {}
    if meta.nn_source in ("own", "average"):
        nets = load_nns(model_dir, meta.nn_shape, len(meta.nn_epochs))
        forecasts["own"] = predict_nns(meta.design, nets, rows)
    if meta.nn_source in ("shared", "average"):
        path = model_dir.parent / SHARED_DIR
        if path not in shared:
            shared[path] = load_shared_nn(path)
        forecasts["shared"] = predict_nns(*shared[path], rows)
    if meta.nn_source == "average":
        return average_relative(forecasts["own"], forecasts["shared"])
    return forecasts[meta.nn_source]


def predict_segment(
    model_dir: Path, rows: pd.DataFrame, shared: dict[Path, Networks] | None = None
) -> pd.DataFrame:
    """Forecast ``rows`` with a saved segment ensemble (test weeks and batch scoring alike): the
    smeared component forecasts, the ensemble, and its quantiles (p10, p50, p90, ...).
    ``shared``: networks already loaded for this call's region (score passes one per region)."""
    meta = EnsembleMeta.load(model_dir / "meta.json")
    lasso = load_lasso(model_dir / "lasso.json", len(meta.design.numeric))
    out = rows[ID_COLUMNS].reset_index(drop=True).copy()
    out["lasso"] = to_units(
        rows, lasso.predict(meta.design.numeric_matrix(rows)), meta.smearing["lasso"]
    )
    nn = _nn_relative(model_dir, meta, rows, {} if shared is None else shared)
    out["nn"] = to_units(rows, nn, meta.smearing["nn"])
    out["ensemble"] = combine(
        out["lasso"].to_numpy(),
        out["nn"].to_numpy(),
        running_mean(rows),
        meta.nn_weight,
        meta.scale,
        meta.mean_weight,
    )
    quantiles = quantile_forecasts(out["ensemble"].to_numpy(), meta.quantile_offsets)
    for i, level in enumerate(meta.quantile_levels):
        out[quantile_name(level)] = quantiles[:, i]
    return out


def segment_dir(models_dir: Path, segment: str) -> Path:
    _, store_format, velocity = segment.split("/")
    return models_dir / f"{store_format}_{velocity}"
