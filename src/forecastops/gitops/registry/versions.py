"""Version names: SemVer with a ``v`` (GTO's ``SemVer``), lookup by name, a release line's next patch."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gto.versions import SemVer

from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.tags import registered_versions

RELEASE_BRANCH = re.compile(r"^(?:refs/heads/)?release/v?(\d+)\.(\d+)$")
# Our first version when none is registered and no release branch names one (GTO would start at
# v0.0.1, a patch of nothing).
FIRST_VERSION = "v0.1.0"


def normalise(version: str) -> str:
    """``1.2.3`` or ``v1.2.3`` -> ``v1.2.3``; an error unless it is SemVer."""
    named = version if version.startswith("v") else f"v{version}"
    if not SemVer.is_valid(named):
        raise ForecastopsError(f"version '{version}' is not SemVer vX.Y.Z")
    return named


def find_version(repo: str | Path, artifact: str, version: str) -> dict[str, Any]:
    """The registered ``version`` (``1.2.3`` or ``v1.2.3``): version, commit, ref, created_at."""
    wanted = normalise(version)
    for found in registered_versions(repo, artifact):
        if found["version"] == wanted:
            return found
    raise ForecastopsError(
        f"{artifact}@{wanted} is not registered (see `forecastops registry list`)"
    )


def release_line(branch: str) -> tuple[int, int] | None:
    """(X, Y) of a ``release/X.Y`` branch (``refs/heads/`` allowed); None for any other branch."""
    m = RELEASE_BRANCH.match(branch)
    return (int(m.group(1)), int(m.group(2))) if m else None


def next_version(repo: str | Path, artifact: str, release_branch: str) -> str:
    """``vX.Y.<highest registered patch + 1>`` for ``release/X.Y`` (``vX.Y.0`` for the first)."""
    line = release_line(release_branch)
    if line is None:
        raise ForecastopsError(
            f"'{release_branch}' is not a release branch: expected release/X.Y (e.g. release/1.2)"
        )
    in_line = [
        SemVer(v["version"])
        for v in registered_versions(repo, artifact)  # highest first
        if _line_of(v["version"]) == line
    ]
    return in_line[0].bump_patch().version if in_line else f"v{line[0]}.{line[1]}.0"


def _line_of(version: str) -> tuple[int, int] | None:
    if not SemVer.is_valid(version):
        return None
    parsed = SemVer.parse(version)
    return parsed.major, parsed.minor
