"""The ``env`` section (local | dev | prod): where data lives, the release gate's tolerances and how
many runners training fans out over."""

from __future__ import annotations

from pydantic import Field

from forecastops.config.sections.base import Section
from forecastops.config.sections.evaluate import GateMetric


class ReleaseGate(Section):
    """What a release must show beyond each segment's own verdict (``forecastops.quality.gate``)."""

    max_regression: float = Field(ge=0)  # absolute increase of a metric tolerated vs prod
    min_pass_fraction: float = Field(ge=0, le=1)  # share of segments that must pass
    overall_metric: GateMetric  # the overall row's regression metric (segments: their class's)


class EnvConfig(Section):
    name: str
    data_root: str
    gate: ReleaseGate
    # main.yml fans the regions out over this many GPU runner jobs (`forecastops train-groups`)
    train_groups: int = Field(ge=1)
