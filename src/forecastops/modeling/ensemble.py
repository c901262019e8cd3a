"""A fitted segment ensemble: its metadata, the blend, and loading it back to forecast.

The ensemble is a LASSO/NN blend, scaled and shrunk towards the series' running mean, with weights
chosen on validation weeks (``forecastops.modeling.fit``). Batch scoring and test predictions both
go through :func:`predict_segment`, so they cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from forecastops.config.sections.model import NNConfig
from forecastops.modeling.baselines import running_mean
from forecastops.modeling.design import Design, to_units
from forecastops.modeling.lasso import load_lasso
from forecastops.modeling.net import EmbeddingNet
from forecastops.modeling.net import predict as predict_net

ID_COLUMNS = [
    "region",
    "store_format",
    "velocity",
    "segment",
    "store_id",
    "product_id",
    "week_start",
]


def usable(rows: pd.DataFrame, split: str) -> pd.DataFrame:
    """Rows of a split that have a target and a known level (some history before the horizon)."""
    mask = (rows["split"] == split) & rows["level"].notna()
    if split != "future":
        mask &= rows["target"].notna()
    return rows[mask]


@dataclass
class EnsembleMeta:
    segment: str
    nn_weight: float
    scale: float
    mean_weight: float
    nn_epochs: int
    design: Design
    nn_shape: dict
    n_train: int
    n_val: int
    val_scores: dict[str, float | None]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> EnsembleMeta:
        raw = json.loads(path.read_text())
        raw["design"] = Design(**raw["design"])
        return cls(**raw)


def component_predictions(design: Design, lasso: object, net: EmbeddingNet, rows: pd.DataFrame):
    """LASSO and NN forecasts in units for ``rows``."""
    nums = design.numeric_matrix(rows)
    lasso_units = to_units(rows, lasso.predict(nums))  # type: ignore[attr-defined]
    nn_units = to_units(rows, predict_net(net, design.category_codes(rows), nums))
    return lasso_units, nn_units


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


def load_segment(
    model_dir: Path,
) -> tuple[EnsembleMeta, object, EmbeddingNet]:
    meta = EnsembleMeta.load(model_dir / "meta.json")
    # The network is rebuilt as it was trained, whatever the current config says.
    shape = meta.nn_shape
    net = EmbeddingNet(shape["cardinalities"], shape["n_numeric"], NNConfig(**shape["config"]))
    net.load_state_dict(torch.load(model_dir / "nn.pt", map_location="cpu", weights_only=True))
    return meta, load_lasso(model_dir / "lasso.joblib"), net


def predict_segment(model_dir: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Forecast ``rows`` with a saved segment ensemble (used for test weeks and batch scoring)."""
    meta, lasso, net = load_segment(model_dir)
    lasso_units, nn_units = component_predictions(meta.design, lasso, net, rows)
    out = rows[ID_COLUMNS].reset_index(drop=True).copy()
    out["lasso"], out["nn"] = lasso_units, nn_units
    out["ensemble"] = combine(
        lasso_units,
        nn_units,
        running_mean(rows),
        meta.nn_weight,
        meta.scale,
        meta.mean_weight,
    )
    return out


def segment_dir(models_dir: Path, segment: str) -> Path:
    _, store_format, velocity = segment.split("/")
    return models_dir / f"{store_format}_{velocity}"
