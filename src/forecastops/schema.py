"""Typed schemas of the pipeline's config sections (segments, train, model, evaluate, score, env).

The data and validation sections are typed next to their stages (adapters.py, validate.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from forecastops.config import deep_merge


class VelocityRule(BaseModel):
    threshold: float = Field(gt=0)
    labels: tuple[str, str] = ("fast", "slow")


class SegmentsConfig(BaseModel):
    all_regions: dict[str, dict[str, Any]]
    include: Literal["all"] | list[str] = "all"
    regions: dict[str, dict[str, Any]]  # the included ones (composed by conf/: `pick`)
    formats: list[str]
    velocity: VelocityRule

    @model_validator(mode="before")
    @classmethod
    def _none_is_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("regions", "all_regions"):
                if isinstance(data.get(key), dict):
                    data = {**data, key: {k: v or {} for k, v in data[key].items()}}
        return data

    def segment_keys(self) -> list[str]:
        """Every segment key ``region/format/velocity`` the config declares."""
        return [
            f"{r}/{f}/{v}" for r in self.regions for f in self.formats for v in self.velocity.labels
        ]

    def model_params(self, region: str, model: dict[str, Any]) -> dict[str, Any]:
        """The `model` section with this region's overrides merged in."""
        return deep_merge(model, self.regions.get(region, {}).get("model", {}))


class SplitConfig(BaseModel):
    test_weeks: int = Field(ge=1)
    val_weeks: int = Field(ge=1)
    history_weeks: int = Field(ge=4)


class TrainConfig(BaseModel):
    horizon_weeks: int = Field(ge=1)
    split: SplitConfig
    seed: int
    device: Literal["auto", "cpu", "cuda"] = "auto"
    n_jobs: int = Field(default=1, ge=1)
    torch_threads: int = Field(default=1, ge=1)


class LassoConfig(BaseModel):
    alpha: float = Field(gt=0)
    max_iter: int = 5000


class NNConfig(BaseModel):
    embedding_dim: int = Field(ge=1)
    hidden: list[int]
    dropout: float = Field(ge=0, lt=1)
    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    lr: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    patience: int = Field(ge=1)


class EnsembleConfig(BaseModel):
    nn_weight_grid: list[float] = Field(min_length=1)
    scale_grid: list[float] = Field(default=[1.0], min_length=1)
    mean_weight_grid: list[float] = Field(default=[0.0], min_length=1)
    select_metric: Literal["mape", "wape", "rmse_all"] = "wape"


class BaselineConfig(BaseModel):
    kind: Literal["historical_average"] = "historical_average"


class ModelConfig(BaseModel):
    lasso: LassoConfig
    nn: NNConfig
    ensemble: EnsembleConfig
    baseline: BaselineConfig


class EvaluateConfig(BaseModel):
    pass_metric: Literal["mape", "wape", "rmse_all"] = "mape"
    pass_threshold: float = Field(gt=0)
    plots_dir: str = "reports/plots"
