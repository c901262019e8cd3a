"""Who holds a stage, and where a rollback goes, from the stage's events (``tags.StageEvent``).

Computed here rather than with ``gto.api.find_versions_in_stage``: GTO orders a stage's events by
tag time alone (ties in the same second by tag name), and it ranks the versions assigned to a stage
by their *first* assignment, so after a rollback to an older version it still names the newer one.
The rules are GTO's (an unassignment withdraws only that version; the holder is the most recently
assigned version still assigned), replayed in ``StageEvent.order``. The single source of truth for
``which``, ``check-ref``, ``promote``, ``rollback``, ``list`` and the prod metrics of
``release validate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forecastops.gitops.registry.tags import StageEvent, stage_histories, stage_history

NEVER = (-1, -1)


def _holder(latest: dict[str, StageEvent]) -> StageEvent | None:
    """Among versions whose latest event in the stage is an assignment, the latest assigned."""
    assigned = [e for e in latest.values() if not e.unassign]
    return max(assigned, key=lambda e: e.order) if assigned else None


def _replay(history: list[StageEvent]) -> tuple[dict[str, StageEvent], list[str | None]]:
    """Replay the events oldest first: (latest event per version, holders oldest first, one entry
    per change of holder; None while the stage is empty)."""
    latest: dict[str, StageEvent] = {}
    reigns: list[str | None] = []
    for event in sorted(history, key=lambda e: e.order):
        if event.version is None:  # not a registered version (deregistered, or never registered)
            continue
        latest[event.version] = event
        held = _holder(latest)
        version = held.version if held else None
        if not reigns or reigns[-1] != version:
            reigns.append(version)
    return latest, reigns


def assignment_info(artifact: str, stage: str, event: StageEvent) -> dict[str, Any]:
    """The JSON a stage assignment is reported as (``which``, ``check-ref``, deployment.json)."""
    return {
        "artifact": artifact,
        "stage": stage,
        "version": event.version,
        "commit": event.commit,
        "tag": event.tag,
    }


def active_assignment(
    repo: str | Path, artifact: str, stage: str, history: list[StageEvent] | None = None
) -> dict[str, Any] | None:
    """The version holding ``stage`` and the tag that assigned it (None when the stage is empty)."""
    if history is None:
        history = stage_history(repo, artifact, stage)
    held = _holder(_replay(history)[0])
    return assignment_info(artifact, stage, held) if held else None


def holder_before(history: list[StageEvent], version: str | None) -> StageEvent | None:
    """Who held the stage just before ``version``'s first assignment to it (now, when it has none):
    the prod model a release of ``version`` was measured against. None: nobody else did."""
    latest: dict[str, StageEvent] = {}
    for event in sorted(history, key=lambda e: e.order):
        if event.version is None:
            continue
        if event.version == version and not event.unassign:
            break
        latest[event.version] = event
    held = _holder(latest)
    return held if held is not None and held.version != version else None


def stages_held(repo: str | Path, artifact: str) -> dict[str, list[str]]:
    """{version: the stages it holds (sorted)}, over every stage ever assigned."""
    held: dict[str, list[str]] = {}
    for stage, history in sorted(stage_histories(repo, artifact).items()):
        holder = _holder(_replay(history)[0])
        if holder is not None and holder.version is not None:
            held.setdefault(holder.version, []).append(stage)
    return held


def rollback_target(history: list[StageEvent]) -> tuple[str | None, str | None]:
    """(current holder, version to roll back to) from the stage's events.

    The target held the stage just before the current holder's *first* reign, walking further back
    past versions whose latest event in the stage is an unassignment and versions rolled back from
    (and not assigned again since), so repeated rollbacks go further back instead of ping-ponging.
    None: no such version.
    """
    latest, reigns = _replay(history)
    held = _holder(latest)
    if held is None:
        return None, None
    current = held.version
    rolled_back_at: dict[str, tuple[int, int]] = {}
    assigned_at: dict[str, tuple[int, int]] = {}
    for event in history:
        if event.unassign:
            continue
        if event.rollback_from:
            rolled_back_at[event.rollback_from] = max(
                rolled_back_at.get(event.rollback_from, NEVER), event.order
            )
        if event.version:
            assigned_at[event.version] = max(assigned_at.get(event.version, NEVER), event.order)
    for version in reversed(reigns[: reigns.index(current)]):
        if version is None or version == current or latest[version].unassign:
            continue
        if rolled_back_at.get(version, NEVER) > assigned_at.get(version, NEVER):
            continue
        return current, version
    return current, None
