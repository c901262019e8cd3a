"""Create registry tags with GTO's API: register a version, assign a stage (promote), roll back.

Before a stage tag is made, everyone's tags are fetched (GTO's next counter N counts them all) and
the version must carry a passing release verdict about its commit (``verdict``). ``--push`` sends
the new tag with plain git (``git.push_tag``: the CI token).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gto import api

from forecastops.config.sections.registry import RegistryConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.card import write_card
from forecastops.gitops.registry.git import fetch_tags, git, push_tag
from forecastops.gitops.registry.holder import active_assignment, rollback_target
from forecastops.gitops.registry.tags import (
    call_gto,
    registered_versions,
    rollback_message,
    stage_history,
    version_at_commit,
)
from forecastops.gitops.registry.verdict import validation_verdict
from forecastops.gitops.registry.versions import (
    FIRST_VERSION,
    find_version,
    next_version,
    normalise,
)


def register(
    repo: str | Path,
    settings: RegistryConfig,
    *,
    ref: str = "HEAD",
    version: str | None = None,
    release_branch: str | None = None,
    message: str | None = None,
    push: bool = False,
) -> str:
    """Register the commit at ``ref``: ``version``, else the next patch of ``release/X.Y``, else
    GTO's patch bump of the highest version (``FIRST_VERSION`` for the first). Idempotent."""
    artifact = settings.artifact
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}", repo=repo)
    existing = version_at_commit(repo, artifact, commit)
    if existing:
        print(f"{commit[:10]} is already registered as {artifact}@{existing['version']}")
        return existing["version"]
    if version is None and release_branch:
        version = next_version(repo, artifact, release_branch)
    elif version is None and not registered_versions(repo, artifact):
        version = FIRST_VERSION
    named = normalise(version) if version else None
    event = call_gto(api.register, repo, artifact, commit, version=named, message=message)
    print(f"registered {event.tag} at {commit[:10]}")
    write_card(repo, settings, event.version, commit)  # reports/model_cards/<version>.md
    if push:
        push_tag(event.tag, settings.remote, repo)
    return event.version


def _require_validation(
    repo: str | Path, settings: RegistryConfig, version: dict[str, Any], stage: str
) -> None:
    if not settings.require_validation:
        return
    ok, reason = validation_verdict(repo, version["commit"], settings)
    if not ok:
        raise ForecastopsError(
            f"refusing to assign {stage} to {settings.artifact}@{version['version']}: {reason}"
        )


def _tag_stage(
    repo: str | Path,
    settings: RegistryConfig,
    version: dict[str, Any],
    stage: str,
    message: str | None,
    push: bool,
) -> str | None:
    """Make (and push) the stage tag, tags already fetched; None when the version holds it."""
    artifact = settings.artifact
    current = active_assignment(repo, artifact, stage)
    if current and current["version"] == version["version"]:
        print(f"{artifact}@{version['version']} is already in {stage} ({current['tag']})")
        return None
    # force: GTO refuses a version that has held the stage and was not unassigned (a rollback
    # target); whether it holds the stage *now* was decided above, in our order.
    event = call_gto(
        api.assign, repo, artifact, stage, version=version["version"], message=message, force=True
    )
    now = active_assignment(repo, artifact, stage)
    if now is None or now["tag"] != event.tag:
        # only if another tag's time is ahead of ours (a clock ahead of this machine's)
        git("tag", "-d", event.tag, repo=repo, check=False)
        raise ForecastopsError(
            f"{event.tag} would not be the active {stage} assignment "
            f"({(now or {}).get('tag')} is): deleted it, nothing pushed"
        )
    print(
        f"assigned {stage} to {artifact}@{version['version']} ({version['commit'][:10]}): {event.tag}"
    )
    if push:
        push_tag(event.tag, settings.remote, repo)
    return event.tag


def assign(
    repo: str | Path,
    settings: RegistryConfig,
    version: str,
    stage: str,
    *,
    message: str | None = None,
    push: bool = False,
    check_validation: bool = True,
) -> str | None:
    """Assign ``stage`` to ``version`` (promote); returns the new tag (None when already active)."""
    found = find_version(repo, settings.artifact, version)
    if check_validation:
        _require_validation(repo, settings, found, stage)
    fetch_tags(repo, settings.remote)
    return _tag_stage(repo, settings, found, stage, message, push)


def rollback(
    repo: str | Path,
    settings: RegistryConfig,
    stage: str,
    *,
    to: str | None = None,
    note: str | None = None,
    push: bool = False,
) -> str | None:
    """Assign ``stage`` back to ``to``, or to ``holder.rollback_target`` (validated like promote)."""
    fetch_tags(repo, settings.remote)
    current, target = rollback_target(stage_history(repo, settings.artifact, stage))
    if current is None:
        raise ForecastopsError(f"stage '{stage}' is empty: nothing to roll back")
    target = normalise(to) if to else target
    if target is None:
        raise ForecastopsError(
            f"no earlier version to roll '{stage}' back to from {current} (versions unassigned "
            "from the stage or rolled back from are skipped); name one with --to"
        )
    found = find_version(repo, settings.artifact, target)
    _require_validation(repo, settings, found, stage)
    message = rollback_message(current, target, note)
    return _tag_stage(repo, settings, found, stage, message, push)
