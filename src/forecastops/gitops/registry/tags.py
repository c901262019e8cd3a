"""Read the registry from its git tags with GTO's API: registered versions and stage events."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gto import api
from gto.constants import COUNTER
from gto.exceptions import ArtifactNotFound, GTOException

from forecastops.errors import ForecastopsError

ROLLBACK_MESSAGE = re.compile(r"\brollback from (v\S+) to ")


def call_gto(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A ``gto.api`` call with GTO's errors as ours (one line, no traceback)."""
    try:
        return function(*args, **kwargs)
    except GTOException as exc:
        raise ForecastopsError(f"GTO: {exc}") from exc


def registered_versions(repo: str | Path, artifact: str) -> list[dict[str, Any]]:
    """Registered, not deregistered versions, highest SemVer first: version, commit, ref, created_at."""
    try:
        found = api.show(repo, artifact, registered_only=True)
    except ArtifactNotFound:
        return []
    except GTOException as exc:
        raise ForecastopsError(f"GTO: {exc}") from exc
    return [
        {
            "version": v["version"],
            "commit": v["commit_hexsha"],
            "ref": v["ref"],
            "created_at": str(v["created_at"]),
        }
        for v in found
    ]


def version_at_commit(repo: str | Path, artifact: str, commit: str) -> dict[str, Any] | None:
    return next((v for v in registered_versions(repo, artifact) if v["commit"] == commit), None)


def rollback_message(old: str, new: str, note: str | None = None) -> str:
    """Tag message of a rollback; read back as ``StageEvent.rollback_from``."""
    return f"rollback from {old} to {new}" + (f": {note}" if note else "")


@dataclass(frozen=True)
class StageEvent:
    """One assignment (or unassignment, ``forecaster#prod!#N``) tag of a stage."""

    tag: str
    unassign: bool
    counter: int  # GTO's N: one more than the highest N among all of the artifact's tags
    timestamp: int  # tagger time, whole seconds
    commit: str
    version: str | None  # the registered version at the commit (None: unregistered/deregistered)
    rollback_from: str | None  # from a rollback's tag message

    @property
    def order(self) -> tuple[int, int]:
        """Tag time, then N. GTO orders stage events by tag time alone and leaves tags made in the
        same second in name order (#10 before #9): the counter makes the order total."""
        return self.timestamp, self.counter


def stage_histories(repo: str | Path, artifact: str) -> dict[str, list[StageEvent]]:
    """Every stage's events (``gto.api.history``), newest first by ``StageEvent.order``."""
    version_of = {v["commit"]: v["version"] for v in registered_versions(repo, artifact)}
    histories: dict[str, list[StageEvent]] = {}
    for event in call_gto(api.history, repo, artifact):
        if event["event"] not in ("assignment", "unassignment"):
            continue
        rollback = ROLLBACK_MESSAGE.search(event["message"] or "")
        histories.setdefault(event["stage"], []).append(
            StageEvent(
                tag=event["ref"],
                unassign=event["event"] == "unassignment",
                counter=api.parse_tag(event["ref"]).get(COUNTER, 0),
                timestamp=int(event["timestamp"].timestamp()),
                commit=event["commit"],
                version=version_of.get(event["commit"]),
                rollback_from=rollback.group(1) if rollback else None,
            )
        )
    for events in histories.values():
        events.sort(key=lambda e: e.order, reverse=True)
    return histories


def stage_history(repo: str | Path, artifact: str, stage: str) -> list[StageEvent]:
    return stage_histories(repo, artifact).get(stage, [])
