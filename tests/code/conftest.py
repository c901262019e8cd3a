"""Fixtures for the GitOps tests: throwaway git repositories with a local bare ``origin``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops.config.compose import compose, dump

REPO = Path(__file__).resolve().parents[2]
REGIONS = ("northeast", "texas")  # the regions the release fixtures train
# the release env, trimmed to the regions the fixtures train
PROD_OVERRIDES = ["env=prod", f"segments.include=[{','.join(REGIONS)}]"]
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
    # the suite runs in GitHub Actions too (pr.yml): none of the run's variables may leak in
    for key in (
        "GITHUB_REF",
        "GITHUB_REF_NAME",
        "GITHUB_BASE_REF",
        "GITHUB_ACTIONS",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ID",
        "GITHUB_SERVER_URL",
        "GH_REPO",
        "GH_TOKEN",
        "FORECASTOPS_PUSH_TOKEN",
    ):
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


@pytest.fixture(scope="session")
def prod_params() -> dict:
    return compose(PROD_OVERRIDES, REPO / "conf")


@pytest.fixture
def release_repo(git_repo: Path, prod_params: dict) -> Path:
    """``git_repo`` with a params.yaml composed from conf/ (untracked, like a generated one: the
    registry and release commands read their sections from it) and conf/ and dvc.yaml committed
    (promote and check-ref recompute the gate from them at a version's commit)."""
    (git_repo / "params.yaml").write_text(dump(prod_params))
    commit_release_conf(git_repo)
    return git_repo


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


def commit_release_conf(repo: Path) -> str:
    """Commit the project's conf/ (trained regions cut to ``REGIONS``) and a dvc.yaml declaring the
    registry artifact: what the release gate is recomputed from at a version's commit."""
    shutil.copytree(REPO / "conf", repo / "conf")
    segments = repo / "conf" / "segments" / "default.yaml"
    text = segments.read_text(encoding="utf-8")
    assert "\ninclude: all\n" in text, f"{segments}: the fixture expects `include: all`"
    segments.write_text(text.replace("\ninclude: all\n", f"\ninclude: [{', '.join(REGIONS)}]\n"))
    pipeline = {"artifacts": {"forecaster": {"type": "model", "path": "models"}}}
    (repo / "dvc.yaml").write_text(yaml.safe_dump(pipeline), encoding="utf-8")
    git(repo, "add", "--force", "conf", "dvc.yaml")
    git(repo, "commit", "-q", "-m", "release conf")
    return git(repo, "rev-parse", "HEAD")


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def pinned_metrics(values: dict[str, float], regions: tuple[str, ...] = REGIONS) -> dict[str, str]:
    """reports/metrics.json for ``{segment: mape}`` and a dvc.lock pinning it (md5 of these bytes)
    and a model per region, as `dvc repro` leaves them: files for ``commit_files``."""
    text = json.dumps(metrics(values), indent=2)
    models = {"path": "models", "hash": "md5", "md5": _md5("".join(regions)) + ".dir"}
    stages = {
        f"train@{r}": {
            "cmd": f"forecastops train --region {r} --out models/{r}",
            "outs": [{"path": f"models/{r}", "hash": "md5", "md5": _md5(r) + ".dir"}],
        }
        for r in regions
    }
    stages["evaluate"] = {
        "cmd": "forecastops evaluate --models models --out reports/metrics.json",
        "deps": [models],
        "outs": [{"path": "reports/metrics.json", "hash": "md5", "md5": _md5(text)}],
    }
    lock = yaml.safe_dump({"schema": "2.0", "stages": stages}, sort_keys=False)
    return {"reports/metrics.json": text, "dvc.lock": lock}


FAKE_GH = """#!{python}
import json, os, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "--input" in args else None
with open(os.environ["FAKE_GH_LOG"], "a") as log:
    log.write(json.dumps([args, stdin]) + "\\n")
endpoint = next(a for a in args[1:] if not a.startswith("-") and a.upper() != a)
replies = json.load(open(os.environ["FAKE_GH_REPLIES"]))
sys.stdout.write(replies.get(endpoint, ""))
sys.exit(int(os.environ.get("FAKE_GH_EXIT", "0")))
"""


class FakeGh:
    """A ``gh`` on PATH: logs each call (arguments, stdin) and prints the reply set for its
    endpoint (empty when none)."""

    def __init__(self, root: Path) -> None:
        self.log, self.replies = root / "gh.log", root / "gh-replies.json"
        self.replies.write_text("{}")

    def reply(self, endpoint: str, text: str) -> None:
        replies = json.loads(self.replies.read_text())
        self.replies.write_text(json.dumps({**replies, endpoint: text}))

    def calls(self) -> list[tuple[list[str], str | None]]:
        if not self.log.exists():
            return []
        return [tuple(json.loads(ln)) for ln in self.log.read_text().splitlines()]


@pytest.fixture
def fake_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeGh:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    exe = bin_dir / "gh"
    exe.write_text(FAKE_GH.format(python=sys.executable))
    exe.chmod(0o755)
    fake = FakeGh(tmp_path)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_GH_LOG", str(fake.log))
    monkeypatch.setenv("FAKE_GH_REPLIES", str(fake.replies))
    return fake
