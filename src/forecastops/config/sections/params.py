"""The whole of ``params.yaml``: every section typed, unknown sections and keys refused."""

from __future__ import annotations

from pydantic import model_validator

from forecastops.config.sections.base import Section
from forecastops.config.sections.data import DataConfig
from forecastops.config.sections.env import EnvConfig
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.executor import ExecutorConfig
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.monitor import MonitorConfig
from forecastops.config.sections.registry import RegistryConfig
from forecastops.config.sections.report import ReportConfig
from forecastops.config.sections.score import ScoreConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.config.sections.tune import TuneConfig
from forecastops.config.sections.validation import ValidationConfig


class Params(Section):
    """The sections in the order ``params.yaml`` lists them: what an experiment varies first
    (``dvc exp show`` shows params in file order and, in a terminal, only the first that fit its
    1,024-character page), the platform's plumbing after, the company's adapter maps last."""

    model: ModelConfig
    features: FeaturesConfig
    train: TrainConfig
    segments: SegmentsConfig
    evaluate: EvaluateConfig
    score: ScoreConfig
    tune: TuneConfig
    report: ReportConfig
    executor: ExecutorConfig
    env: EnvConfig
    registry: RegistryConfig
    monitor: MonitorConfig
    validation: ValidationConfig
    data: DataConfig

    @model_validator(mode="after")
    def _lags_fit_the_horizon(self) -> Params:
        horizon = self.train.horizon_weeks
        short = [k for k in self.features.lags if k < horizon]
        if short:
            raise ValueError(
                f"features.lags {short} are shorter than train.horizon_weeks={horizon}: a forecast "
                f"made {horizon} weeks ahead cannot know them (declare lags >= {horizon})"
            )
        if horizon not in self.features.lags:
            raise ValueError(
                f"features.lags must include train.horizon_weeks={horizon}: the naive baseline "
                "is the last week known at forecast time"
            )
        return self

    @model_validator(mode="after")
    def _every_class_has_a_gate_rule(self) -> Params:
        labels = self.segments.velocity.labels
        missing = [label for label in labels if label not in self.evaluate.gate.rules]
        if missing:
            raise ValueError(
                f"evaluate.gate.rules has no rule for segment class(es) {missing} (the velocity "
                f"labels {labels}): every segment needs a rule, or it could never pass"
            )
        return self

    def region_models(self) -> dict[str, ModelConfig]:
        """Each included region's ``model`` section with its overrides, validated like the base."""
        base = self.model.model_dump()
        return {
            r: ModelConfig.model_validate(self.segments.model_params(r, base))
            for r in self.segments.regions
        }
