"""The repository settings the release flow relies on, as a file in the repository
(``.github/repo-settings.yaml``): validated here, applied by ``apply`` with ``gh api``.

Branch protection, rulesets (who may push registry tags and release branches), environments
(reviewers, which refs may deploy, which secrets they hold) and Actions defaults: each setting is
checked in with the code it protects, instead of living only in the repository's Settings page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from forecastops import io
from forecastops.config.load import describe
from forecastops.config.sections.base import Section
from forecastops.errors import ForecastopsError


class Actor(Section):
    """Exactly one of: an organization team (slug), a user (login), a GitHub App (slug)."""

    team: str | None = None
    user: str | None = None
    app: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Actor:
        if sum(v is not None for v in (self.team, self.user, self.app)) != 1:
            raise ValueError("name exactly one of team, user, app")
        return self

    @property
    def kind(self) -> str:
        return "team" if self.team else "user" if self.user else "app"

    @property
    def name(self) -> str:
        return str(self.team or self.user or self.app)


class BranchProtection(Section):
    required_checks: list[str] = Field(min_length=1)  # check names (job names) that must pass
    strict: bool  # the branch must be up to date with the base before merging
    required_approving_reviews: int = Field(ge=0, le=6)
    dismiss_stale_reviews: bool
    enforce_admins: bool
    allow_force_pushes: bool
    allow_deletions: bool


class Ruleset(Section):
    name: str
    target: Literal["branch", "tag"]
    enforcement: Literal["active", "evaluate", "disabled"]
    include: list[str] = Field(min_length=1)  # ref patterns, e.g. refs/tags/*#prod#*
    rules: list[Literal["creation", "update", "deletion", "non_fast_forward"]] = Field(min_length=1)
    bypass: list[Actor]  # teams and apps only (GitHub's bypass actors)

    @model_validator(mode="after")
    def _bypass_kinds(self) -> Ruleset:
        if any(a.user for a in self.bypass):
            raise ValueError(f"ruleset {self.name}: bypass takes teams and apps, not users")
        return self


class Environment(Section):
    reviewers: list[Actor]  # teams and users; empty: no approval step
    prevent_self_review: bool
    deployment_branches: list[str]  # name patterns of branches that may use it
    deployment_tags: list[str]  # name patterns of tags that may use it
    secrets: list[str]  # names it must hold (values are never in the repository)

    @model_validator(mode="after")
    def _reviewer_kinds(self) -> Environment:
        if any(a.app for a in self.reviewers):
            raise ValueError("reviewers are teams or users, not apps")
        return self


class Actions(Section):
    default_workflow_permissions: Literal["read", "write"]
    can_approve_pull_request_reviews: bool
    # public repositories: which fork PRs wait for approval before any workflow runs
    fork_pr_approval: (
        Literal[
            "first_time_contributors_new_to_github",
            "first_time_contributors",
            "all_external_contributors",
        ]
        | None
    )


class RepoSettings(Section):
    branch_protection: dict[str, BranchProtection]
    rulesets: list[Ruleset]
    environments: dict[str, Environment]
    forbid_repository_secrets: list[str]  # must live in an environment, never repository-wide
    actions: Actions


def load_repo_settings(path: str | Path) -> RepoSettings:
    """The validated settings file; errors name the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise ForecastopsError(f"{path}: not found")
    try:
        data = io.parse_yaml(path.read_text(encoding="utf-8"))
        return RepoSettings.model_validate(data)
    except yaml.YAMLError as exc:
        raise ForecastopsError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise ForecastopsError(f"{path}: {describe(exc)}") from exc
