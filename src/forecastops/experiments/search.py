"""The candidates of a region's search (``tune`` section): every combination of the space's values
(grid) or ``n_random`` distinct ones drawn with ``seed`` (random), each merged over the region's
current model settings and validated like an override before anything is fitted."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from omegaconf import OmegaConf
from pydantic import ValidationError

from forecastops.config.load import describe
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.tune import TuneConfig
from forecastops.errors import ForecastopsError


def candidates(cfg: TuneConfig) -> list[dict[str, Any]]:
    """Dotted ``model`` key -> value, one dict per candidate, in grid (or draw) order."""
    space = cfg.candidates()
    grid = [dict(zip(space, combo, strict=True)) for combo in itertools.product(*space.values())]
    if cfg.method == "grid" or cfg.n_random >= len(grid):
        return grid
    picks = np.random.default_rng(cfg.seed).choice(len(grid), size=cfg.n_random, replace=False)
    return [grid[int(i)] for i in picks]


def nest(point: dict[str, Any]) -> dict[str, Any]:
    """``{"lasso.alpha": 1}`` -> ``{"lasso": {"alpha": 1}}``."""
    out: dict[str, Any] = {}
    for key, value in point.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def model_for(base: dict[str, Any], point: dict[str, Any], region: str) -> ModelConfig:
    """The region's model with a candidate merged in; a bad candidate names its key."""
    merged = OmegaConf.to_container(OmegaConf.merge(base, nest(point)))
    try:
        return ModelConfig.model_validate(merged)
    except ValidationError as exc:
        raise ForecastopsError(
            f"tune.space: candidate {point} for {region}: {describe(exc, 'model')}"
        ) from exc


def label(point: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in point.items()) or "(current settings)"
