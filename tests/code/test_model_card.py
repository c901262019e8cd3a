"""A model card per registered version, written at registration (issue 9)."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import commit_files, metrics
from forecastops import cli
from forecastops.config.compose import compose, dump

REPO = Path(__file__).resolve().parents[2]


def _release(repo: Path) -> str:
    files = {
        "reports/metrics.json": metrics({"texas/large/fast": 0.3, "texas/small/slow": 0.6}),
        "params.yaml": dump(compose(["model.lasso.alpha=0.0123", "train.seed=4242"], REPO / "conf")),
        "data.dvc": yaml.safe_dump({"outs": [{"md5": "5e9d16a3e7c3a63ca408f00cc75dca14.dir", "path": "data"}]}),
        "dvc.lock": yaml.safe_dump({"stages": {"train@texas": {"outs": [{"path": "models/texas", "md5": "d83277c128e0aaaa.dir"}]}}}),
    }  # fmt: skip
    return commit_files(repo, files, "release")


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
    assert "| texas/small/slow | fail | mase=1.3333 | 1.0 |" in card  # slow: MASE rule
    assert f"`forecaster@v1.2.0 ({commit[:12]})`" in card  # lineage: the score stamp
    assert "alpha: 0.0123" in card and "seed: 4242" in card


def test_the_prod_approver_from_the_workflow(git_repo, monkeypatch):
    _release(git_repo)
    monkeypatch.setenv("FORECASTOPS_APPROVED_BY", "alice")
    assert cli.main(["registry", "register", "--version", "v2.0.0"]) == 0
    card = (git_repo / "reports" / "model_cards" / "v2.0.0.md").read_text()
    assert "promotion approved by: alice (prod environment approval)" in card
