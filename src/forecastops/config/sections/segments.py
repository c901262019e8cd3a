"""The ``segments`` section: regions, store formats, the velocity rule and per-region overrides.

A segment (one model) is region x store format x velocity; ``regions`` holds the regions this run
trains (``segments.include`` picks them from ``all_regions`` when conf/ is composed).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from omegaconf import OmegaConf
from pydantic import Field, model_validator

from forecastops.config.sections.base import Section


class QuantileCut(Section):
    """A cut relative to the data: this quantile of every series' mean over the training weeks."""

    quantile: float = Field(gt=0, lt=1)


class VelocityRule(Section):
    """Fast when a series' mean weekly demand over the training weeks is at least ``threshold``:
    a number of units, or a quantile of the series' means (``forecastops.features.context``)."""

    threshold: Annotated[float, Field(gt=0)] | QuantileCut
    labels: tuple[str, str]


class SegmentsConfig(Section):
    all_regions: dict[str, dict[str, Any]]
    include: Literal["all"] | list[str]
    regions: dict[str, dict[str, Any]]  # the included ones (composed by conf/: `pick`)
    # all_regions' names (composed by conf/: `keys`): what featurize depends on, overrides aside
    region_names: list[str] | None = None
    formats: list[str]
    velocity: VelocityRule

    @model_validator(mode="before")
    @classmethod
    def _none_is_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("regions", "all_regions"):
                if isinstance(data.get(key), dict):
                    data = {**data, key: {k: v or {} for k, v in data[key].items()}}
        return data

    @model_validator(mode="after")
    def _names_are_derived(self) -> SegmentsConfig:
        if self.region_names is not None and self.region_names != list(self.all_regions):
            raise ValueError(
                f"region_names {self.region_names} must be all_regions' names "
                f"{list(self.all_regions)}: it is derived (${{keys:...}}), never set"
            )
        return self

    def segment_keys(self) -> list[str]:
        """Every segment key ``region/format/velocity`` the config declares."""
        return [
            f"{r}/{f}/{v}" for r in self.regions for f in self.formats for v in self.velocity.labels
        ]

    def model_params(self, region: str, model: dict[str, Any]) -> dict[str, Any]:
        """The `model` section with this region's overrides merged in."""
        override = self.regions.get(region, {}).get("model", {})
        return OmegaConf.to_container(OmegaConf.merge(model, override))  # type: ignore[return-value]
