"""The release gate's commit status: ``release.yml`` sets it on the commit it validated, check-ref
reads it back. A verdict in git can be written by anyone who can push; this status can only come
from a workflow run holding the token of one of ``registry.release_status.trusted_creators``.

Statuses are listed newest first (GitHub's ``commits/{sha}/statuses``), so the first one with the
context from a trusted creator is the one that counts.
"""

from __future__ import annotations

import os
from typing import Any

from forecastops import io
from forecastops.config.sections.registry import RegistryConfig, ReleaseStatus
from forecastops.errors import ForecastopsError
from forecastops.gitops.github.gh import gh, gh_json, in_actions
from forecastops.gitops.registry.git import git

DESCRIPTION_CHARS = 140  # GitHub refuses a longer status description
PER_PAGE = 100  # one page of statuses: a commit gets a handful


def run_url() -> str | None:
    """The Actions run's page ($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID)."""
    parts = [os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    return "{}/{}/actions/runs/{}".format(*parts) if all(parts) else None


def _state(report: dict | None) -> tuple[str, str]:
    if report is None:
        return "error", "no release validation report: the validate job failed before writing it"
    if report.get("passed") is True:
        return "success", f"release gate passed ({report.get('env')} env)"
    failures = "; ".join(str(f) for f in report.get("failures") or []) or "passed is not true"
    return "failure", f"release gate failed: {failures}"


def post_release_status(report_path: str, settings: RegistryConfig) -> dict[str, str]:
    """Set the status on HEAD from the report of this run: success only for a passing report about
    HEAD. Returns what was posted."""
    head = git("rev-parse", "HEAD")
    report = io.read_json(report_path)
    if report is not None and report.get("validated_commit") != head:
        raise ForecastopsError(
            f"{report_path} validated {str(report.get('validated_commit'))[:10]}, but HEAD is "
            f"{head[:10]}: not setting a status about another commit"
        )
    state, description = _state(report)
    fields = {
        "state": state,
        "context": settings.release_status.context,
        "description": description[:DESCRIPTION_CHARS],
    }
    url = run_url()
    if url:
        fields["target_url"] = url
    flags = [part for key, value in fields.items() for part in ("-f", f"{key}={value}")]
    gh("api", "--method", "POST", f"repos/{{owner}}/{{repo}}/statuses/{head}", *flags)
    return {"commit": head, **fields}


def _trusted_latest(statuses: list[dict[str, Any]], cfg: ReleaseStatus) -> tuple[dict | None, str]:
    """The newest status with the context from a trusted creator; else why there is none."""
    mine = [s for s in statuses if s.get("context") == cfg.context]
    trusted = [s for s in mine if (s.get("creator") or {}).get("login") in cfg.trusted_creators]
    if trusted:
        return trusted[0], ""
    if mine:
        others = sorted({str((s.get("creator") or {}).get("login")) for s in mine})
        return None, (
            f"status '{cfg.context}' was set only by {', '.join(others)}, not by "
            f"{', '.join(cfg.trusted_creators)} (registry.release_status.trusted_creators)"
        )
    return None, f"no commit status '{cfg.context}': release.yml never validated this commit"


def release_status_check(commit: str, settings: RegistryConfig) -> str:
    """A line for the log when release.yml's status on ``commit`` is success (or the check is
    skipped outside Actions by config); a named error otherwise."""
    cfg = settings.release_status
    if not in_actions() and cfg.outside_actions == "skip":
        return (
            f"GitHub status '{cfg.context}' not checked: not in GitHub Actions and "
            "registry.release_status.outside_actions is skip (in Actions it is required)"
        )
    statuses = gh_json(
        "api", f"repos/{{owner}}/{{repo}}/commits/{commit}/statuses?per_page={PER_PAGE}"
    )
    if not isinstance(statuses, list):
        raise ForecastopsError(f"gh api: expected a list of statuses for {commit[:10]}")
    latest, why = _trusted_latest(statuses, cfg)
    if latest is None:
        raise ForecastopsError(f"commit {commit[:10]}: {why}")
    if latest.get("state") != "success":
        raise ForecastopsError(
            f"commit {commit[:10]}: status '{cfg.context}' is {latest.get('state')}: "
            f"{latest.get('description') or ''} {latest.get('target_url') or ''}".rstrip()
        )
    return f"GitHub status '{cfg.context}' on {commit[:10]}: success ({latest.get('target_url')})"
