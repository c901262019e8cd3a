"""The ``score`` section: which series get batch forecasts."""

from __future__ import annotations

from pydantic import Field

from forecastops.config.sections.base import Section


class ScoreConfig(Section):
    # A series is active (gets forecasts) if it shipped in any of its last N history weeks.
    active_within_weeks: int = Field(ge=1)
