"""``check-ref``: the deploy gate (deploy.yml runs on a pushed ``forecaster#prod#N``).

Accepts only the *active* assignment tag of the stage, for a version whose commit carries a passing
release verdict (a tag pushed by hand, not via ``promote``, must not bypass the release gate): the
committed report about that commit, the gate recomputed from what its ``dvc.lock`` pins
(``verdict``), and, in GitHub Actions, release.yml's commit status on the validated commit
(``github.status``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gto import api
from gto.constants import ACTION, COUNTER, NAME, STAGE, Action
from gto.exceptions import InvalidTagName

from forecastops.config.sections.registry import RegistryConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.github.status import release_status_check
from forecastops.gitops.registry.holder import active_assignment
from forecastops.gitops.registry.tags import call_gto, version_at_commit
from forecastops.gitops.registry.verdict import bound_verdict


def _assigns_stage(tag: str, artifact: str, stage: str) -> bool:
    try:
        parsed = api.parse_tag(tag)
    except InvalidTagName:
        return False
    wanted = {NAME: artifact, STAGE: stage, ACTION: Action.ASSIGN}
    return COUNTER in parsed and all(parsed.get(k) == v for k, v in wanted.items())


def check_ref(repo: str | Path, settings: RegistryConfig, ref: str, stage: str) -> dict[str, Any]:
    """The stage assignment the tag ``ref`` makes; an error unless it is deployable."""
    artifact, tag = settings.artifact, ref.removeprefix("refs/tags/")
    if not _assigns_stage(tag, artifact, stage):
        raise ForecastopsError(
            f"'{ref}' does not assign stage '{stage}' of '{artifact}' "
            f"(expected a tag like {artifact}#{stage}#N)"
        )
    events = call_gto(api.check_ref, repo, tag)
    if not events:
        raise ForecastopsError(f"tag {tag} not found in {repo} (fetch tags, e.g. fetch-depth: 0)")
    commit = events[0].commit_hexsha
    version = version_at_commit(repo, artifact, commit)
    if version is None:
        raise ForecastopsError(
            f"{tag} points at {commit[:10]}, where no version of {artifact} is registered"
        )
    active = active_assignment(repo, artifact, stage)
    if active is None or active["tag"] != tag:
        raise ForecastopsError(
            f"{tag} is superseded: {stage} is now held by {(active or {}).get('tag')}; "
            "not deploying an outdated assignment"
        )
    if settings.require_validation:
        refusing = f"refusing to deploy {tag} ({artifact}@{version['version']})"
        ok, reason, validated = bound_verdict(repo, commit, settings)
        if not ok:
            raise ForecastopsError(f"{refusing}: {reason}")
        try:
            status = release_status_check(validated or commit, settings)
        except ForecastopsError as exc:
            raise ForecastopsError(f"{refusing}: {exc}") from exc
        print(f"{reason}\n{status}", file=sys.stderr)
    return active
