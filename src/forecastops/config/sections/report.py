"""The ``report`` section: how the PR and main-branch comments judge a metric delta against noise.

A paired bootstrap over series (``quality.bootstrap``) gives each delta an interval; only an
interval that excludes 0 makes a change "better" or "worse". ``evaluate`` judges each segment's
ensemble against its better component by the same rule (``report.bootstrap`` is its param);
``max_plots`` is no stage's.
"""

from __future__ import annotations

from pydantic import Field

from forecastops.config.sections.base import Section


class BootstrapConfig(Section):
    resamples: int = Field(ge=100)  # fewer makes the interval's own ends noise
    seed: int
    level: float = Field(gt=0.5, lt=1)
    # a delta smaller than this share of the base's value is noise even when consistent
    min_effect: float = Field(ge=0, lt=1)


class ReportConfig(Section):
    bootstrap: BootstrapConfig
    max_plots: int = Field(ge=0)  # base-vs-head charts per comment
