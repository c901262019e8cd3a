"""The ``model`` section: LASSO, the embedding network, the ensemble grid and the baseline.

A region's overrides (``segments.all_regions.<region>.model``) are merged over it and the result
validated again, so an override is held to the same rules.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from forecastops.config.sections.base import Section
from forecastops.config.sections.report import BootstrapConfig

NNSource = Literal["own", "shared", "average"]


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
    stop_weeks: int = Field(ge=1)  # the training weeks early stopping watches (the last ones)
    # segment: one NN per segment. region: also one NN over the region's segments (the segment an
    # embedded categorical), and the segment's NN is whichever of ``sources`` wins on validation.
    scope: Literal["segment", "region"]
    n_seeds: int = Field(ge=1)  # networks per fitted model, averaged on the log scale
    # With scope region: the candidate NN components. own: the segment's networks; shared: the
    # region's; average: both sets averaged on the log scale. (scope segment: own only.)
    sources: list[NNSource] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_sources(self) -> NNConfig:
        if len(set(self.sources)) != len(self.sources):
            raise ValueError(f"sources must be distinct, got {self.sources}")
        return self


class EnsembleConfig(Section):
    nn_weight_grid: list[float] = Field(min_length=1)
    scale_grid: list[float] = Field(min_length=1)
    mean_weight_grid: list[float] = Field(min_length=1)
    select_metric: Literal["mape", "wape", "rmse_all"]
    # duan: each component is multiplied (on the 1 + demand scale) by mean(exp(residual)) on the
    # validation weeks, so it forecasts the mean, not the median a log target's back-transform gives.
    smearing: Literal["duan", "none"]
    # the grid's best replaces the better single component only if this bootstrap calls it better
    evidence: BootstrapConfig


class QuantileConfig(Section):
    """Split-conformal quantiles: per segment, empirical quantiles of log1p(actual) -
    log1p(forecast) on the validation weeks, added to log1p(forecast) and back-transformed."""

    levels: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_in_unit_interval(self) -> QuantileConfig:
        if any(not 0 < q < 1 for q in self.levels) or len(set(self.levels)) != len(self.levels):
            raise ValueError(f"levels must be distinct values in (0, 1), got {self.levels}")
        if self.levels != sorted(self.levels):
            raise ValueError(f"levels must be increasing, got {self.levels}")
        return self


class BaselineConfig(Section):
    kind: Literal["historical_average"]


class ModelConfig(Section):
    lasso: LassoConfig
    nn: NNConfig
    ensemble: EnsembleConfig
    baseline: BaselineConfig
    quantiles: QuantileConfig
