"""The last validated report: the baseline ``lost_rows`` compares each source's row counts with.

By default it is the newest committed version of the report being written (``--report``) that
passed and holds row counts, read from git: a fresh clone and CI (a shallow checkout still has
HEAD's) see what was last validated and committed (main's model-update PR commits the report),
never the report a failed run left in the working tree, and DVC removing the stage's outputs
before a run does not lose it. ``--baseline FILE`` names a report instead. Outside git, or with
no such committed report, there is no baseline and ``lost_rows`` says it did not check.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.errors import ForecastopsError

Baseline = tuple[dict[str, Any] | None, str]  # (the report, where it came from or why none)


def _git(folder: Path, *args: str) -> str | None:
    """stdout of a git command run in ``folder``; None when git fails or is not installed."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _usable(report: Any) -> bool:
    """A report that passed and holds per-source row counts."""
    return (
        isinstance(report, dict)
        and isinstance(report.get("summary"), dict)
        and report["summary"].get("passed") is True
        and isinstance(report.get("sources"), dict)
    )


def committed_report(report_path: Path) -> Baseline:
    """The newest committed version of ``report_path`` that passed and holds row counts."""
    target = report_path.resolve()
    folder = next(p for p in target.parents if p.is_dir())
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return None, f"{report_path} is not in a git repository"
    root = Path(top.strip()).resolve()
    relative = target.relative_to(root).as_posix()
    for commit in (_git(root, "log", "--format=%H", "--", relative) or "").split():
        text = _git(root, "show", f"{commit}:{relative}")
        try:
            report = json.loads(text) if text is not None else None
        except ValueError:
            continue
        if _usable(report):
            return report, f"{relative} as committed in {commit[:12]}"
    return None, f"no committed version of {relative} passed with per-source row counts"


def load_baseline(baseline_path: str | None, report_path: str) -> Baseline:
    """The report ``--baseline`` names, else the last committed one of ``report_path``."""
    if baseline_path is None:
        return committed_report(Path(report_path))
    report = io.read_json(baseline_path)
    if report is None:
        raise ForecastopsError(f"{baseline_path}: baseline report not found (--baseline)")
    if not isinstance(report, dict) or not isinstance(report.get("sources"), dict):
        raise ForecastopsError(
            f"{baseline_path}: not a validation report with per-source row counts ('sources')"
        )
    return report, baseline_path
