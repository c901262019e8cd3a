"""Choosing a segment's ensemble on its validation weeks, by models that never saw them.

Per component a smearing factor (``ensemble.smearing``), then the NN source (the segment's own
networks or the region's shared ones), NN weight, scale and mean weight that minimise
``ensemble.select_metric``, then the conformal quantile offsets of the chosen blend.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.config.sections.model import ModelConfig
from forecastops.modeling.baselines import running_mean
from forecastops.modeling.calibration import conformal_offsets, duan_factor, to_units
from forecastops.modeling.ensemble import combine
from forecastops.quality.metrics import SCORERS


@dataclass
class Choice:
    nn_source: str  # own | shared
    nn_weight: float
    scale: float
    mean_weight: float
    smearing: dict[str, float]  # component -> factor
    quantile_offsets: list[float]  # log1p scale, one per model.quantiles.levels
    source_scores: dict[str, float | None]  # each source's best validation score
    val_scores: dict[str, float | None]  # every candidate's, so a reviewer sees how close it was


def _factor(val: pd.DataFrame, relative: np.ndarray, cfg: ModelConfig) -> float:
    return duan_factor(val, relative) if cfg.ensemble.smearing == "duan" else 1.0


def _best(scores: dict[tuple, float | None], source: str | None = None) -> tuple | None:
    """The first best candidate (grid order: stable), optionally of one source."""
    finite = {k: v for k, v in scores.items() if v is not None and (source in (None, k[0]))}
    return min(finite, key=lambda k: finite[k]) if finite else None


def choose_ensemble(
    val: pd.DataFrame, lasso_rel: np.ndarray, nn_rel: dict[str, np.ndarray], cfg: ModelConfig
) -> Choice:
    """The ensemble for a segment from its validation forecasts (log-relative, per NN source)."""
    grid = cfg.ensemble
    y = val["target"].to_numpy(dtype=float)
    mean = running_mean(val)
    factors = {"lasso": _factor(val, lasso_rel, cfg)}
    lasso = to_units(val, lasso_rel, factors["lasso"])
    units = {}
    for source, rel in nn_rel.items():
        factors[source] = _factor(val, rel, cfg)
        units[source] = to_units(val, rel, factors[source])
    scorer = SCORERS[grid.select_metric]
    candidates = list(
        itertools.product(nn_rel, grid.nn_weight_grid, grid.scale_grid, grid.mean_weight_grid)
    )
    scores = {k: scorer(y, combine(lasso, units[k[0]], mean, *k[1:])) for k in candidates}
    # No finite score (e.g. MAPE on all-zero weeks): the grid's first candidate.
    source, nn_weight, scale, mean_weight = _best(scores) or candidates[0]
    blend = combine(lasso, units[source], mean, nn_weight, scale, mean_weight)
    return Choice(
        nn_source=source,
        nn_weight=nn_weight,
        scale=scale,
        mean_weight=mean_weight,
        smearing={"lasso": factors["lasso"], "nn": factors[source]},
        quantile_offsets=conformal_offsets(y, blend, cfg.quantiles.levels),
        source_scores={s: scores[b] if (b := _best(scores, s)) else None for s in nn_rel},
        val_scores={
            f"nn={s},nn_weight={w},scale={c},mean_weight={m}": v
            for (s, w, c, m), v in scores.items()
        },
    )
