"""The ``monitor`` section: what ``forecastops monitor`` measures, its alert thresholds, where alerts
go and how the dashboard is cut. Every value lives in ``conf/monitor/``; nothing defaults here."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from forecastops.config.sections.base import Section

Level = Literal["warn", "alert"]
LEVELS: tuple[str, ...] = ("warn", "alert")  # ascending: an alert is worse than a warning


class Threshold(Section):
    warn: float = Field(gt=0)
    alert: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.alert < self.warn:
            raise ValueError(f"alert ({self.alert}) must be >= warn ({self.warn})")
        return self


class DriftThresholds(Section):
    psi: Threshold
    ks: Threshold
    cramers_v: Threshold
    new_share: Threshold


class DriftConfig(Section):
    reference: Literal["seasonal", "all"]
    bins: int = Field(ge=2)
    epsilon: float = Field(gt=0, lt=0.1)
    min_rows: int = Field(ge=1)
    segment_min_rows: int = Field(ge=1)
    numeric: list[str]
    categorical: list[str]
    novel: list[str]
    per_segment: list[str]
    thresholds: DriftThresholds


class QualityConfig(Section):
    levels: dict[Literal["error", "warning", "info"], Level | None]


class AccuracyConfig(Section):
    fail_level: Level
    alert_level: Level
    max_degradation: float = Field(ge=0)


class StaleConfig(Section):
    max_age_days: int = Field(ge=1)
    level: Level
    reference_date: dt.date | None  # the scoring date; null: today


class NotifyConfig(Section):
    url_env: str = Field(min_length=1)
    format: Literal["slack", "teams", "json"]
    timeout_s: float = Field(gt=0)
    min_level: Level


class DashboardConfig(Section):
    max_series: int = Field(ge=1)
    history_weeks: int = Field(ge=1)


class MonitorConfig(Section):
    fail_on: Level | Literal["never"]
    retrain_event: str = Field(min_length=1)
    current_weeks: int = Field(ge=1)
    drift: DriftConfig
    quality: QualityConfig
    accuracy: AccuracyConfig
    stale: StaleConfig
    notify: NotifyConfig
    dashboard: DashboardConfig
