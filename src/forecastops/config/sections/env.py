"""The ``env`` section (local | dev | prod): where data lives and the release gate's tolerances."""

from __future__ import annotations

from pydantic import Field

from forecastops.config.sections.base import Section


class ReleaseGate(Section):
    """What a release must show beyond each segment's own verdict (``forecastops.quality.gate``)."""

    max_regression: float = Field(ge=0)  # absolute increase of a segment's metric tolerated vs prod
    min_pass_fraction: float = Field(ge=0, le=1)  # share of segments that must pass


class EnvConfig(Section):
    name: str
    data_root: str
    gate: ReleaseGate
