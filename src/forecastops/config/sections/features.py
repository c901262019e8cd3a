"""The ``features`` section: which lags, windows and inputs the models see."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from forecastops.config.sections.base import Section

Engineered = Literal[
    "rstd",
    "zero_share",
    "age_weeks",
    "woy_sin",
    "woy_cos",
    "woy_sin2",
    "woy_cos2",
    "event_next_week",
    "promo_prev",
    "temp_anomaly",
]


class FeaturesConfig(Section):
    lags: list[int] = Field(min_length=1)  # weeks back; checked against the horizon in Params
    rolling_windows: list[int]
    level_window: int = Field(ge=1)
    age_cap_weeks: int = Field(ge=1)
    dispersion_window: int = Field(ge=2)
    target: str
    clip_target_min: float | None  # null: keep negative targets
    engineered: list[Engineered]  # computed by forecastops.features.build
    numeric_exogenous: list[str]
    demographics: list[str]
    categoricals: list[str]

    @model_validator(mode="after")
    def _level_is_a_window(self) -> FeaturesConfig:
        if self.level_window not in self.rolling_windows:
            raise ValueError(f"level_window {self.level_window} must be one of rolling_windows")
        return self
