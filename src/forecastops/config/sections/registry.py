"""The ``registry`` section: the GTO artifact, its deploy stage and where release verdicts live."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from forecastops.config.sections.base import Section


class ReleaseStatus(Section):
    """The commit status ``release.yml`` sets on the commit it validated, read back by check-ref."""

    context: str = Field(min_length=1)  # commit status context, e.g. forecastops/release-validate
    trusted_creators: list[str] = Field(min_length=1)  # logins whose status counts
    outside_actions: Literal["skip", "require"]  # without GITHUB_ACTIONS=true (laptop, tests)


class RegistryConfig(Section):
    artifact: str  # tags forecaster@vX.Y.Z, forecaster#prod#N
    prod_stage: str  # the stage deploy.yml serves
    remote: str  # where --push sends tags
    validation_report: str  # committed at the release commit
    require_validation: bool  # promote refuses versions without a passing report
    metrics: str  # read at a version's commit (release regression)
    release_env: str  # the conf/env the release gate is composed with (release validate, check-ref)
    release_status: ReleaseStatus
    model_cards: str  # folder of the model card written at registration (<version>.md)
