"""The ``registry`` section: the GTO artifact, its deploy stage and where release verdicts live."""

from __future__ import annotations

from forecastops.config.sections.base import Section


class RegistryConfig(Section):
    artifact: str  # tags forecaster@vX.Y.Z, forecaster#prod#N
    prod_stage: str  # the stage deploy.yml serves
    remote: str  # where --push sends tags
    validation_report: str  # committed at the release commit
    require_validation: bool  # promote refuses versions without a passing report
    metrics: str  # read at a version's commit (release regression)
    model_cards: str  # folder of the model card written at registration (<version>.md)
