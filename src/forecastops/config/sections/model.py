"""The ``model`` section: LASSO, the embedding network, the ensemble grid and the baseline.

A region's overrides (``segments.all_regions.<region>.model``) are merged over it and the result
validated again, so an override is held to the same rules.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from forecastops.config.sections.base import Section


class LassoConfig(Section):
    alpha: float = Field(gt=0)
    max_iter: int = Field(ge=1)


class NNConfig(Section):
    embedding_dim: int = Field(ge=1)
    hidden: list[int]
    dropout: float = Field(ge=0, lt=1)
    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    lr: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    patience: int = Field(ge=1)


class EnsembleConfig(Section):
    nn_weight_grid: list[float] = Field(min_length=1)
    scale_grid: list[float] = Field(min_length=1)
    mean_weight_grid: list[float] = Field(min_length=1)
    select_metric: Literal["mape", "wape", "rmse_all"]


class BaselineConfig(Section):
    kind: Literal["historical_average"]


class ModelConfig(Section):
    lasso: LassoConfig
    nn: NNConfig
    ensemble: EnsembleConfig
    baseline: BaselineConfig
