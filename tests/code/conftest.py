"""Fixtures for the GitOps tests: throwaway git repositories with a local bare ``origin``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def commit_files(repo: Path, files: dict[str, object], message: str) -> str:
    """Write files (dicts as JSON), commit them, return the commit sha."""
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        git(repo, "add", "--force", rel)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a local bare origin, one commit on main, cwd set to it."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_BASE_REF", "FORECASTOPS_PUSH_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    repo = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(origin), str(repo)], check=True, capture_output=True)
    git(repo, "checkout", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "tag.gpgsign", "false")
    git(repo, "config", "commit.gpgsign", "false")
    commit_files(repo, {"README.md": "forecastops test repo\n"}, "init")
    git(repo, "push", "-q", "origin", "main")
    monkeypatch.chdir(repo)
    return repo


# The default gate: fast movers MAPE <= 0.45, slow movers MASE <= 1. A fixture value v is the MAPE
# and, scaled by this, the MASE, so one number fails or passes either class alike.
MASE_PER_MAPE = 1 / 0.45


def metrics(values: dict[str, float], passed_threshold: float = 0.45) -> dict:
    """A metrics.json dict (contracts.md shape) from ``{segment: mape}``; each baseline is 1.5x."""
    segments = {}
    for key, mape in values.items():
        base = mape * 1.5
        segments[key] = {
            "mape": mape,
            "baseline_mape": base,
            "mase": mape * MASE_PER_MAPE,
            "baseline_mase": base * MASE_PER_MAPE,
            "wape": mape / 2,
            "baseline_wape": base / 2,
            "mape_reduction": 1 - mape / base,
            "rmse_0": mape * 10,
            "rmse_all": mape * 8,
            "n_zero_actuals": 3,
            "passed": mape <= passed_threshold,
        }
    mean = sum(values.values()) / max(len(values), 1)
    overall = {
        "mape": mean,
        "wape": mean / 2,
        "baseline_mape": mean * 1.5,
        "mape_reduction": 1 / 3,
        "rmse_0": mean * 10,
        "rmse_all": mean * 8,
        "segments_passed": sum(v["passed"] for v in segments.values()),
        "segments_total": len(segments),
    }
    return {"overall": overall, "segments": segments}


@pytest.fixture
def make_metrics():
    return metrics
