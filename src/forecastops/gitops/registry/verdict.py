"""The release verdict bound to a commit: promote and deploy only a version whose commit carries a
passing ``reports/release_validation.json`` *about that commit*, and whose gate, recomputed from
what the commit pins (``binding.recompute``), passes too: the report alone can be forged.

The report's ``validated_commit`` must be the commit itself or an ancestor whose tree differs from
it only in the report (the ``release record`` commit adds just the report), so a later commit still
carrying an old passing report is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from forecastops.config.sections.registry import RegistryConfig
from forecastops.gitops.registry.binding import recompute
from forecastops.gitops.registry.git import git, is_ancestor
from forecastops.gitops.revisions import json_at_revision

FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


def validation_verdict(repo: str | Path, commit: str, settings: RegistryConfig) -> tuple[bool, str]:
    """(passed, reason): the committed report about ``commit``, and the gate recomputed there."""
    ok, reason, _ = bound_verdict(repo, commit, settings)
    return ok, reason


def bound_verdict(
    repo: str | Path, commit: str, settings: RegistryConfig
) -> tuple[bool, str, str | None]:
    """(passed, reason, the commit the report validated)."""
    ok, reason, validated = report_verdict(repo, commit, settings)
    if not ok:
        return ok, reason, validated
    ok, why = recompute(repo, commit, settings)
    if not ok:
        return False, f"{settings.validation_report} says passed, but {why}", validated
    return True, f"{reason}; {why}", validated


def report_verdict(
    repo: str | Path, commit: str, settings: RegistryConfig
) -> tuple[bool, str, str | None]:
    """(passed, reason, validated commit) from the release validation report at ``commit``."""
    path = settings.validation_report
    report = json_at_revision(commit, path, repo)
    if report is None:
        return (
            False,
            f"no {path} at commit {commit[:10]}: run "
            "`forecastops release validate` on the release branch and commit its report",
            None,
        )
    if report.get("passed") is not True:
        failures = report.get("failures") or ["report says passed=false"]
        return False, "release validation failed: " + "; ".join(str(f) for f in failures), None
    validated = report.get("validated_commit")
    if not isinstance(validated, str) or not FULL_SHA.match(validated):
        return (
            False,
            f"{path} at {commit[:10]} names no validated_commit (a full commit hash): cannot tell "
            "which commit passed validation (re-run `forecastops release validate` and "
            "`release record`)",
            None,
        )
    problem = _not_about(repo, commit, validated, path)
    if problem:
        return False, f"{path} at {commit[:10]} validated commit {validated[:10]}, {problem}", None
    return True, f"release validation passed (validated commit {validated[:10]})", validated


def _not_about(repo: str | Path, commit: str, validated: str, report_path: str) -> str | None:
    """Why a report naming ``validated`` is not about ``commit`` (None: it is)."""
    found = git(
        "rev-parse", "--verify", "--quiet", f"{validated}^{{commit}}", repo=repo, check=False
    )
    if not found:
        return "which is not in this repository (fetch the full history, e.g. fetch-depth: 0)"
    if found != commit and not is_ancestor(repo, found, commit):
        return (
            f"which is not an ancestor of {commit[:10]}: the report is about another line of "
            "history"
        )
    diff = git("diff", "--name-only", "--no-renames", found, commit, "--", repo=repo)
    changed = sorted(set(filter(None, diff.splitlines())) - {Path(report_path).as_posix()})
    if not changed:
        return None
    shown = ", ".join(changed[:5]) + (f" (+{len(changed) - 5} more)" if len(changed) > 5 else "")
    return (
        f"but {len(changed)} file(s) changed since: {shown}; the report is stale "
        "(validate and record this commit)"
    )
