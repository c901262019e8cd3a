"""``release record``: commit the release validation report on the current branch, so the version
registered next carries its verdict (``[skip ci]``: the bot commit must not retrigger release.yml).

release.yml validates in one job and records in another (after approval): a report whose
``validated_commit`` is not HEAD is about another commit, or none, and is refused.
"""

from __future__ import annotations

import os

from forecastops import io
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.git import git, push_env

BOT = ("forecastops-bot", "forecastops-bot@users.noreply.github.com")


def commit_report(report_path: str) -> None:
    """Commit ``report_path`` at HEAD (nothing when it is committed already)."""
    report = io.read_json(report_path)
    if report is None:
        raise ForecastopsError(f"{report_path}: not found (run `forecastops release validate`)")
    git("add", "--force", report_path)
    if not git("diff", "--cached", "--name-only", "--", report_path):
        print(f"{report_path} already committed at HEAD")
        return
    head = git("rev-parse", "HEAD")
    validated = report.get("validated_commit")
    if validated != head:
        git("reset", "-q", "--", report_path)
        about = f"validated commit {str(validated)[:10]}" if validated else "names no commit"
        raise ForecastopsError(
            f"{report_path} {about}, but HEAD is {head[:10]}: "
            "not recording a verdict about another commit"
        )
    verdict = "passed" if report.get("passed") else "failed"
    name, email = BOT
    message = f"release validation {verdict} [skip ci]"
    git(
        "-c",
        f"user.name={name}",
        "-c",
        f"user.email={email}",
        "commit",
        "-m",
        message,
        "--",
        report_path,
    )
    print(f"committed {report_path} ({verdict})")


def push_branch(remote: str) -> None:
    """Push HEAD to its branch on ``remote`` ($GITHUB_REF_NAME in Actions: a detached checkout)."""
    branch = os.environ.get("GITHUB_REF_NAME") or git("symbolic-ref", "--short", "HEAD")
    git("push", remote, f"HEAD:refs/heads/{branch}", env=push_env())
    print(f"pushed HEAD to {remote}/{branch}")
