"""A model card per registered version, written at registration (issue 9)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from forecastops import cli
from forecastops.config.compose import compose, dump

REPO = Path(__file__).resolve().parents[2]


def _segment(mape: float) -> dict:
    """A metrics.json segment (MASE = MAPE / 0.45, each baseline 1.5x)."""
    return {
        "mape": mape,
        "baseline_mape": 1.5 * mape,
        "mase": mape / 0.45,
        "baseline_mase": mape / 0.3,
    }


def _release(repo: Path) -> str:
    """Commit what a release commit holds (metrics, params, data and model pins); its sha."""
    segments = {"texas/large/fast": _segment(0.3), "texas/small/slow": _segment(0.6)}
    files = {
        "reports/metrics.json": json.dumps({"overall": {"mape": 0.4, "segments_wape_worse_than_a_component": 1}, "segments": segments}),
        "params.yaml": dump(compose(["model.lasso.alpha=0.0123", "train.seed=4242"], REPO / "conf")),
        "data.dvc": yaml.safe_dump({"outs": [{"md5": "5e9d16a3e7c3a63ca408f00cc75dca14.dir", "path": "data"}]}),
        "dvc.lock": yaml.safe_dump({"stages": {"train@texas": {"outs": [{"path": "models/texas", "md5": "d83277c128e0aaaa.dir"}]}}}),
    }  # fmt: skip
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    subprocess.run(["git", "add", "--force", *files], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "release"], cwd=repo, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_register_writes_the_card(git_repo, monkeypatch, capsys):
    monkeypatch.delenv("FORECASTOPS_APPROVED_BY", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    commit = _release(git_repo)
    assert cli.main(["registry", "register", "--version", "v1.2.0"]) == 0
    card = (git_repo / "reports" / "model_cards" / "v1.2.0.md").read_text()
    assert "model card: " in capsys.readouterr().out
    assert card.startswith("# Model card: forecaster@v1.2.0")
    assert f"- commit: `{commit}`" in card
    assert "- data version: `dvc:5e9d16a3e7c3`" in card
    assert "models/texas=d83277c128e0" in card
    assert "promotion approved by: Test <test@example.com> (local git identity)" in card
    assert "| texas/large/fast | pass | mape=0.3000 | 0.45 |" in card
    assert "- segments_wape_worse_than_a_component: 1" in card
    assert "| texas/small/slow | fail | mase=1.3333 | 1.0 |" in card  # slow: MASE rule
    assert f"`forecaster@v1.2.0 ({commit[:12]})`" in card  # lineage: the score stamp
    assert "alpha: 0.0123" in card and "seed: 4242" in card


def test_the_prod_approver_from_the_workflow(git_repo, monkeypatch):
    _release(git_repo)
    monkeypatch.setenv("FORECASTOPS_APPROVED_BY", "alice")
    assert cli.main(["registry", "register", "--version", "v2.0.0"]) == 0
    card = (git_repo / "reports" / "model_cards" / "v2.0.0.md").read_text()
    assert "promotion approved by: alice (prod environment approval)" in card
