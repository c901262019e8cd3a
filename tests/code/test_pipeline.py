"""The real pipeline: `dvc repro` over dvc.yaml on the committed sample (env=local)."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
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


class _Payload:
    """A pickle that runs a command when unpickled (what a tampered model file could hold)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("name", ["nn_0.pt", "lasso.json", "meta.json"])
def test_a_tampered_model_file_is_refused_before_it_is_read(smoke, monkeypatch, capsys, name):
    ws = smoke / "ws"
    monkeypatch.chdir(ws)
    target = ws / "models" / "texas" / "large_fast" / name
    original, forecasts = target.read_bytes(), (ws / "outputs" / "forecasts.csv").read_bytes()
    marker = smoke / "executed"
    try:
        target.write_bytes(pickle.dumps(_Payload(marker)))
        assert cli.main(["score"]) == 2
        err = capsys.readouterr().err
        assert "models/texas: does not match dvc.lock" in err and f"large_fast/{name}" in err
        assert not marker.exists()
        assert (ws / "outputs" / "forecasts.csv").read_bytes() == forecasts
    finally:
        target.write_bytes(original)
    assert cli.main(["score"]) == 0


def test_a_run_killed_mid_training_then_rerun_gives_byte_identical_outputs(smoke):
    """SIGKILL the whole `dvc repro --force` while a train stage is writing its models; the next
    `dvc repro` must give the same dvc.lock (every output hash) and forecasts (model_version)."""
    ws = smoke / "ws"
    pinned = {name: (ws / name).read_bytes() for name in ("dvc.lock", "outputs/forecasts.csv")}
    proc = subprocess.Popen(
        [DVC, "repro", "--force"], cwd=ws, start_new_session=True, stdout=subprocess.DEVNULL
    )
    scratch = ws / ".forecastops" / "tmp"
    deadline = time.monotonic() + 120
    while not list(scratch.glob("*/texas")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before a stage started writing"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not [p for p in (ws / "models").rglob(".*")]  # no temp folder where DVC hashes
    dvc("repro", cwd=ws)
    assert {name: (ws / name).read_bytes() for name in pinned} == pinned


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
    # the models changed, the data did not: the monitor reruns, its data half stays DVC's cache
    assert "Running stage 'monitor'" in log and "Running stage 'monitor_data'" not in log


def test_prepare_refuses_a_missing_sample(tmp_path):
    (tmp_path / "conf").symlink_to(REPO / "conf")
    with pytest.raises(Exception, match="sample is missing"):
        prepare(tmp_path / "ws", [], repo=tmp_path)


# One region crippled: a LASSO that keeps nothing, an NN that barely trains, and no blending.
CRIPPLED_TEXAS = (
    "+segments.all_regions.texas.model={lasso: {alpha: 5}, nn: {epochs: 1, lr: 1e-6}, "
    "ensemble: {nn_weight_grid: [1.0], mean_weight_grid: [0.0]}}"
)
PROD_GATE = "env.gate.min_pass_fraction=1.0"  # prod's: every segment passes its class rule


# This rehearsal releases in env=local: promote and check-ref recompute the gate from conf/
# composed with env=<registry.release_env> (prod would expect models for all 14 regions).
LOCAL_RELEASE = ("env=local", "registry.release_env=local")


def _release_networks() -> tuple[str, ...]:
    """Prod's network settings (``env=local`` shrinks them for a fast smoke, and on the sample's
    6-series segments such small networks beat the baseline only by luck), with the NN source
    chosen on validation. The release flow is under test here, not the sample's accuracy."""
    nn = config_compose.compose(["env=prod"], REPO / "conf")["model"]["nn"]
    # On 6-series segments a segment's own networks see 6 series, and averaging them in left
    # northeast/small/fast 0.6 % short of its baseline's MAPE: let validation choose the source.
    choose = "model.nn.sources=[own,shared,average]"
    return (*(f"model.nn.{key}={nn[key]}" for key in ("epochs", "n_seeds")), choose)


def _retrain(ws: Path, *overrides: str) -> None:
    """params.yaml from ``env=local`` with prod's networks plus ``overrides``, ``dvc repro``, and
    commit the result."""
    base = [*LOCAL_RELEASE, *_release_networks()]
    params = config_compose.compose([*base, *overrides], REPO / "conf")
    (ws / "params.yaml").write_text(config_compose.dump(params))
    gate = config_compose.compose([*base, PROD_GATE, *overrides], REPO / "conf")
    (ws / "prod_gate.yaml").write_text(config_compose.dump(gate))
    dvc("repro", cwd=ws)
    subprocess.run(["git", "add", "-A"], cwd=ws, check=True)
    subprocess.run(["git", "add", "-f", "reports", "models"], cwd=ws, check=True)
    subprocess.run(["git", "commit", "-qm", f"trained {overrides}"], cwd=ws, check=True)


def test_release_promotes_deploys_and_rolls_back_real_models(smoke, monkeypatch, capsys):
    """Release on models the real pipeline trained: validate with prod's gate (every segment
    passes its class rule and beats its baseline) -> GTO register/promote -> deploy scoring stamps
    exactly that version; a crippled region is refused by name; rollback moves scoring back."""
    ws, origin = smoke / "ws", smoke / "origin.git"
    report = "reports/release_validation.json"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", str(origin)]):
        subprocess.run(["git", *args], cwd=ws, check=True)
    _retrain(ws)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=ws, check=True)
    monkeypatch.chdir(ws)
    validate = ["release", "validate", "--params", "prod_gate.yaml", "--out", report]

    def deployed_version(tag: str) -> set[str]:
        assert cli.main(["registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json"]) == 0
        assert cli.main(["score", "--deployment", "d.json", "--out", "deploy/forecasts.csv"]) == 0
        forecasts = pd.read_csv("deploy/forecasts.csv")
        assert (
            (forecasts["p10"] <= forecasts["p50"]) & (forecasts["p50"] <= forecasts["p90"])
        ).all()
        return set(forecasts["model_version"].str.split(" ").str[0])

    assert cli.main(validate) == 0, capsys.readouterr().err
    assert cli.main(["release", "record", "--report", report, "--push"]) == 0
    assert cli.main(["registry", "register", "--release-branch", "release/1.0", "--push"]) == 0
    assert cli.main(["registry", "promote", "--push"]) == 0
    assert deployed_version("forecaster#prod#1") == {"forecaster@v1.0.0"}

    # release/1.1 cripples texas: validation fails naming its segments, promotion is refused
    _retrain(ws, CRIPPLED_TEXAS)
    capsys.readouterr()
    assert cli.main(validate) == 2
    err = capsys.readouterr().err
    failing = json.loads(Path(report).read_text())["failing_segments"]
    assert failing and all(key.startswith("texas/") for key in failing), failing
    assert "texas/" in err and "northeast/" not in err.split("failing:")[-1]
    assert cli.main(["release", "record", "--report", report]) == 0
    assert cli.main(["registry", "register", "--version", "v1.1.0"]) == 0
    assert cli.main(["registry", "promote", "v1.1.0"]) == 2
    assert "refusing" in capsys.readouterr().err

    # a good v1.2.0 is promoted, then rolled back: deploy scoring follows prod back to v1.0.0
    _retrain(ws)
    assert cli.main(validate) == 0
    assert cli.main(["release", "record", "--report", report]) == 0
    assert cli.main(["registry", "register", "--version", "v1.2.0"]) == 0
    assert cli.main(["registry", "promote", "v1.2.0"]) == 0
    assert deployed_version("forecaster#prod#2") == {"forecaster@v1.2.0"}
    assert cli.main(["registry", "rollback"]) == 0
    assert deployed_version("forecaster#prod#3") == {"forecaster@v1.0.0"}
