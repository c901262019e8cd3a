"""The ``evaluate`` section: the pass/fail rule a segment is judged by, and where plots go."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from forecastops.config.sections.base import Section


class EvaluateConfig(Section):
    pass_metric: Literal["mape", "wape", "rmse_all"]
    pass_threshold: float = Field(gt=0)
    plots_dir: str
