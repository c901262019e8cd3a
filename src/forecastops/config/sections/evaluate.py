"""The ``evaluate`` section: the rule each segment class is judged by, and where plots go.

A segment's class is its velocity label (``region/format/velocity``). Fast movers keep the reference
case's MAPE <= 0.45; slow, intermittent movers, where MAPE is dominated by 1- and 2-unit weeks, are
judged by a metric built for intermittent demand (MASE). ``quality.gate.judge`` applies the rules
for evaluate, the PR report and ``release validate`` alike.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from forecastops.config.sections.base import Section

GateMetric = Literal["mape", "wape", "rmse_all", "mase"]


class GateRule(Section):
    metric: GateMetric
    threshold: float = Field(gt=0)


class GateConfig(Section):
    rules: dict[str, GateRule] = Field(min_length=1)  # segment class (velocity label) -> rule
    beat_baseline: bool  # the metric must also be below the historical-average baseline's
    baseline: Literal["baseline", "naive"]  # metrics.json prefix of that reference


class EvaluateConfig(Section):
    gate: GateConfig
    # |bias| a segment may show and still count as unbiased (metrics.json counts those segments).
    bias_tolerance: float = Field(gt=0)
    plots_dir: str
