"""The pass/fail gate: one definition of whether a segment is good enough, for every caller.

``evaluate`` writes each segment's verdict into metrics.json; the PR report and ``release
validate`` recompute it from the metrics with this same function rather than trusting the flag.
"""

from __future__ import annotations

from dataclasses import dataclass

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.quality.metrics import as_number


@dataclass(frozen=True)
class Verdict:
    metric: str
    value: float | None
    threshold: float
    passed: bool

    def describe(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.4f}"
        return f"{self.metric}={shown} ≤ {self.threshold:g}: {'pass' if self.passed else 'fail'}"


def judge(segment: str, metrics: dict, cfg: EvaluateConfig) -> Verdict:
    """The verdict for one segment (``region/format/velocity``) from its metrics.json entry."""
    value = as_number(metrics.get(cfg.pass_metric))
    passed = value is not None and value <= cfg.pass_threshold
    return Verdict(cfg.pass_metric, value, cfg.pass_threshold, passed)
