"""The real pipeline: `dvc repro` over dvc.yaml on the committed sample (env=local)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecastops import cli
from forecastops.config import compose as config_compose
from forecastops.config import load as config_load
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.gitops.smoke import prepare

REPO = Path(__file__).resolve().parents[2]
DVC = str(Path(sys.executable).parent / "dvc")
pytestmark = pytest.mark.slow


def dvc(*args: str, cwd: Path) -> str:
    out = subprocess.run([DVC, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


@pytest.fixture(scope="module")
def smoke(tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("smoke")
    monkeypatch_module.chdir(REPO)
    code = cli.main(["smoke", "--workdir", str(root / "ws"), "--reports", str(root / "reports")])
    assert code == 0
    return root


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_smoke_produces_metrics_validation_plots_and_stamped_forecasts(smoke, local_params):
    metrics = json.loads((smoke / "reports" / "metrics.json").read_text())
    segments = config_load.section(local_params, "segments", SegmentsConfig)
    assert set(metrics["segments"]) == set(segments.segment_keys())
    for key in (
        "mape",
        "baseline_mape",
        "mape_reduction",
        "rmse_0",
        "rmse_all",
        "segments_passed",
        "segments_total",
    ):
        assert key in metrics["overall"], key
    for seg in metrics["segments"].values():
        for key in (
            "mape",
            "baseline_mape",
            "mape_reduction",
            "rmse_0",
            "rmse_all",
            "n_zero_actuals",
            "passed",
        ):
            assert key in seg
        assert seg["mape_reduction"] == pytest.approx(1 - seg["mape"] / seg["baseline_mape"])
    assert json.loads((smoke / "reports" / "data_validation.json").read_text())["summary"]["passed"]
    assert len(list((smoke / "reports" / "plots").glob("*.png"))) == len(metrics["segments"])
    forecasts = pd.read_csv(smoke / "ws" / "outputs" / "forecasts.csv")
    assert forecasts["week_start"].nunique() == local_params["train"]["horizon_weeks"]
    assert forecasts["model_version"].str.startswith("workspace:").all()
    assert forecasts["data_version"].notna().all() and (forecasts["forecast"] >= 0).all()
    assert "Data and pipelines are up to date" in dvc("status", cwd=smoke / "ws")


def test_changing_one_region_retrains_only_that_region(smoke):
    ws = smoke / "ws"
    params = config_compose.compose(
        ["env=local", "+segments.all_regions.texas.model.lasso.alpha=0.01"], REPO / "conf"
    )
    (ws / "params.yaml").write_text(config_compose.dump(params))
    status = dvc("status", cwd=ws)
    assert "train@texas" in status and "train@northeast" not in status
    log = dvc("repro", cwd=ws)
    assert "Running stage 'train@texas'" in log
    assert "Running stage 'train@northeast'" not in log
    assert "Running stage 'condition'" not in log and "Running stage 'validate'" not in log


def test_prepare_refuses_a_missing_sample(tmp_path):
    (tmp_path / "conf").symlink_to(REPO / "conf")
    with pytest.raises(Exception, match="sample is missing"):
        prepare(tmp_path / "ws", [], repo=tmp_path)


def test_release_promotes_deploys_and_rolls_back_real_models(smoke, monkeypatch, capsys):
    """Release on the trained smoke models: validate -> GTO register/promote -> deploy scoring
    stamps exactly that version; a threshold breach is refused; rollback moves scoring back."""
    ws, origin = smoke / "ws", smoke / "origin.git"
    report = "reports/release_validation.json"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    # this rehearsal releases in env=local: promote and check-ref recompute the gate from conf/
    # composed with env=<registry.release_env> (prod would expect models for all 14 regions)
    params = config_load.load_params(ws / "params.yaml")
    params["registry"]["release_env"] = "local"
    (ws / "params.yaml").write_text(config_compose.dump(params))
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", str(origin)]):
        subprocess.run(["git", *args], cwd=ws, check=True)
    subprocess.run(["git", "add", "-A"], cwd=ws, check=True)
    subprocess.run(["git", "add", "-f", "reports", "models"], cwd=ws, check=True)
    subprocess.run(["git", "commit", "-qm", "trained"], cwd=ws, check=True)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=ws, check=True)
    monkeypatch.chdir(ws)

    def deployed_version(tag: str) -> set[str]:
        assert cli.main(["registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json"]) == 0
        assert cli.main(["score", "--deployment", "d.json", "--out", "deploy/forecasts.csv"]) == 0
        return set(pd.read_csv("deploy/forecasts.csv")["model_version"].str.split(" ").str[0])

    assert cli.main(["release", "validate", "--out", report]) == 0
    assert cli.main(["release", "record", "--report", report, "--push"]) == 0
    assert cli.main(["registry", "register", "--release-branch", "release/1.0", "--push"]) == 0
    assert cli.main(["registry", "promote", "--push"]) == 0
    assert deployed_version("forecaster#prod#1") == {"forecaster@v1.0.0"}

    # release/1.1 breaks the MAPE threshold: validation fails, promotion is refused, no tag
    strict = config_compose.compose(
        ["env=local", "evaluate.pass_threshold=0.05", "env.gate.min_pass_fraction=1.0"]
    )
    Path("strict.yaml").write_text(config_compose.dump(strict))
    assert cli.main(["release", "validate", "--params", "strict.yaml", "--out", report]) == 2
    assert "segments pass mape" in capsys.readouterr().err
    assert cli.main(["release", "record", "--report", report]) == 0
    assert cli.main(["registry", "register", "--version", "v1.1.0"]) == 0
    assert cli.main(["registry", "promote", "v1.1.0"]) == 2
    assert "refusing" in capsys.readouterr().err

    # a good v1.2.0 is promoted, then rolled back: deploy scoring follows prod back to v1.0.0
    assert cli.main(["release", "validate", "--out", report]) == 0
    assert cli.main(["release", "record", "--report", report]) == 0
    assert cli.main(["registry", "register", "--version", "v1.2.0"]) == 0
    assert cli.main(["registry", "promote", "v1.2.0"]) == 0
    assert deployed_version("forecaster#prod#2") == {"forecaster@v1.2.0"}
    assert cli.main(["registry", "rollback"]) == 0
    assert deployed_version("forecaster#prod#3") == {"forecaster@v1.0.0"}
