"""`forecastops train-stale` on the real DVC pipeline (committed sample, env=local): every stale
region fitted at once on the executor, recorded as `dvc repro` records it (one dvc.lock write for
the group) so `dvc status` is clean and `dvc.lock` is what the stages alone would write; a
one-region change trains one region; a failing segment or stage is named and only it is redone
(after Ctrl-C too, only what had not finished); region groups on separate runners meet in one
dvc.lock through DVC's run-cache (main.yml's matrix and gather jobs)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from dvc.dvcfile import Lockfile
from dvc.exceptions import DvcException
from dvc.stage import Stage

from forecastops import cli
from forecastops.config.compose import compose, dump
from forecastops.errors import ForecastopsError
from forecastops.exec.store import WorkStore
from forecastops.gitops import stage_group, train_stale
from forecastops.gitops.smoke import prepare
from forecastops.modeling import jobs

REPO = Path(__file__).resolve().parents[2]
DVC = str(Path(sys.executable).parent / "dvc")
BROKEN = "texas/small/slow"
pytestmark = pytest.mark.slow


def dvc(*args: str, cwd: Path) -> str:
    out = subprocess.run([DVC, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


def set_params(ws: Path, *overrides: str) -> None:
    (ws / "params.yaml").write_text(dump(compose(["env=local", *overrides], REPO / "conf")))


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A scratch pipeline workspace trained once by train-stale (2 regions, 10 fits)."""
    root = tmp_path_factory.mktemp("stale")
    workdir = prepare(root / "ws", [], repo=REPO)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        assert cli.main(["train-stale"]) == 0
    return workdir


def test_train_stale_records_what_the_stages_alone_would(ws, monkeypatch):
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)
    assert WorkStore.near(ws / "models").keys() == []  # everything recorded is DVC's now
    lock = (ws / "dvc.lock").read_bytes()
    # each train stage now fits on its own (nothing precomputed): byte-identical models, same lock
    log = dvc("repro", "--force", "--single-item", "train@northeast", "train@texas", cwd=ws)
    assert "(5 fits computed, 0 kept from earlier runs)" in log
    assert (ws / "dvc.lock").read_bytes() == lock


def test_a_one_region_change_trains_only_that_region(ws, monkeypatch, capfd):
    monkeypatch.chdir(ws)
    set_params(ws, "+segments.all_regions.texas.model.lasso.alpha=0.002")
    assert cli.main(["train-stale"]) == 0
    out = capfd.readouterr().out
    assert "train-stale: 1 of 2 regions to train: texas" in out
    assert "5 fits computed, 0 kept from earlier runs" in out  # texas' fits, all at once
    assert "Running stage 'train@texas'" in out and "Running stage 'train@northeast'" not in out
    # featurize depends on the region names, not on a region's overrides
    assert "Running stage 'featurize'" not in out and "'featurize' didn't change" in out
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)


def test_force_refits_and_runs_each_stage_instead_of_restoring_it(ws, monkeypatch, capfd):
    """``--force`` (main.yml's weekly refit): the regions are fitted again and each train stage
    runs its command on those fits, even though DVC's run-cache could restore its outputs (a new
    torch or CUDA is not a DVC dependency)."""
    monkeypatch.chdir(ws)
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)
    assert cli.main(["train-stale", "--force", "--regions", "texas"]) == 0
    out = capfd.readouterr().out
    assert "train-stale: 1 of 1 regions to train: texas" in out
    assert "5 fits computed, 0 kept from earlier runs" in out  # the executor refitted texas
    assert "(0 fits computed, 5 kept from earlier runs) -> models/texas" in out  # its command ran
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)
    assert WorkStore.near(ws / "models").keys() == []


def test_a_failing_segment_is_named_and_only_it_refits(ws, monkeypatch, capfd):
    """One segment's fit fails (as a GPU out of memory would): train-stale names it, exits non-zero
    and records nothing; the other fits are kept and the rerun fits only the failed one."""
    monkeypatch.chdir(ws)
    set_params(ws, "+segments.all_regions.texas.model.lasso.alpha=0.003", "executor.n_jobs=1")
    recorded = _entry(ws / "dvc.lock", "train@texas")
    fit = jobs.fit_components

    def flaky(rows, segment, *args):
        if segment == BROKEN:
            raise RuntimeError("CUDA out of memory (injected)")
        return fit(rows, segment, *args)

    monkeypatch.setattr(jobs, "fit_components", flaky)
    assert cli.main(["train-stale"]) == 2
    err = capfd.readouterr().err
    assert "1 of 5 fits of 1 regions failed; the 4 that finished are kept" in err
    assert f"  {BROKEN}: RuntimeError: CUDA out of memory (injected)" in err
    # nothing of texas recorded
    assert _entry(ws / "dvc.lock", "train@texas") == recorded
    assert "train@texas" in dvc("status", cwd=ws)
    assert len(WorkStore.near(ws / "models").keys()) == 4

    monkeypatch.setattr(jobs, "fit_components", fit)
    assert cli.main(["train-stale"]) == 0
    out = capfd.readouterr().out
    assert "1 fits computed, 4 kept from earlier runs" in out
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)


def test_the_group_is_read_and_recorded_once_not_once_per_region(ws, monkeypatch, capfd):
    """Two stale regions: their status parses dvc.lock once, their commands run at once and one
    write records both.
    Once per stage (``dvc status train@a train@b ...``, ``dvc repro``) grows with the square of
    the regions: 359 s of status alone at 140 regions."""
    monkeypatch.chdir(ws)
    set_params(
        ws,
        "+segments.all_regions.texas.model.lasso.alpha=0.005",
        "+segments.all_regions.northeast.model.lasso.alpha=0.005",
    )
    loads, writes = [], []
    load, dump = Lockfile.load, Lockfile.dump_stages
    monkeypatch.setattr(
        Lockfile, "load", lambda self, *a, **k: loads.append(1) or load(self, *a, **k)
    )
    monkeypatch.setattr(
        Lockfile,
        "dump_stages",
        lambda self, stages, **k: (
            writes.append([s.addressing for s in stages]) or dump(self, stages, **k)
        ),
    )
    assert train_stale.stale_regions(["northeast", "texas"], ws) == ["northeast", "texas"]
    assert len(loads) == 1
    # the two commands run side by side (executor.n_jobs 2): each waits here for the other
    both = threading.Barrier(2, timeout=120)
    run = stage_group.cmd_run

    def together(stage):
        both.wait()
        return run(stage)

    monkeypatch.setattr(stage_group, "cmd_run", together)
    assert cli.main(["train-stale"]) == 0
    assert writes == [["train@northeast", "train@texas"]]
    out = capfd.readouterr().out
    assert "Running stage 'train@northeast'" in out and "Running stage 'train@texas'" in out
    assert "Updating lock file 'dvc.lock' (2 stages at once)" in out
    assert "Data and pipelines are up to date" in dvc("status", cwd=ws)


def _both_stale(ws: Path, alpha: float) -> None:
    """texas and northeast stale: a LASSO alpha neither has been trained with."""
    set_params(
        ws,
        f"+segments.all_regions.texas.model.lasso.alpha={alpha}",
        f"+segments.all_regions.northeast.model.lasso.alpha={alpha}",
    )


def _only_texas_stale(ws: Path) -> None:
    status = dvc("status", cwd=ws)
    assert "train@texas" in status and "train@northeast" not in status


@pytest.mark.parametrize("fails", ["command", "dvc save"])
def test_a_failing_stage_is_named_and_the_others_are_kept(ws, monkeypatch, fails):
    """A stage whose command fails, or whose outputs DVC cannot save, is named; the other stages
    are still written into dvc.lock (here the one after it), so a rerun redoes only it."""
    monkeypatch.chdir(ws)
    _both_stale(ws, 0.006 if fails == "command" else 0.0065)
    features = ws / "artifacts" / "features" / "texas.parquet"
    rows = features.read_bytes()
    if fails == "command":
        features.write_bytes(b"not parquet")  # texas' command runs and cannot read its rows
    else:
        save = Stage.save

        def refused(stage, **kwargs):
            if stage.addressing == "train@texas":
                raise DvcException("cache: no space left on device")
            return save(stage, **kwargs)

        monkeypatch.setattr(Stage, "save", refused)
    try:
        with pytest.raises(ForecastopsError, match="stage train@texas failed"):
            stage_group.record("train", ["texas", "northeast"], ws, jobs=2)
    finally:
        features.write_bytes(rows)
    _only_texas_stale(ws)


def test_ctrl_c_records_the_stages_whose_commands_finished(ws, monkeypatch):
    """Ctrl-C while the commands run: the interrupt goes on (no error of ours in its place), and
    the stages whose commands had finished are in dvc.lock, as ``dvc repro`` keeps the stages that
    ran before one it was interrupted in."""
    monkeypatch.chdir(ws)
    _both_stale(ws, 0.007)
    northeast_done = threading.Event()
    run = stage_group.cmd_run

    def interrupted(stage):
        if stage.addressing == "train@northeast":
            run(stage)
            northeast_done.set()
            return
        assert northeast_done.wait(timeout=300)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)  # Ctrl-C, as a tty
        raise RuntimeError("texas' command ended by the interrupt")  # a tty's Ctrl-C reaches it too

    monkeypatch.setattr(stage_group, "cmd_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stage_group.record("train", ["northeast", "texas"], ws, jobs=2)
    _only_texas_stale(ws)


def _runner(ws: Path, name: str) -> Path:
    """A fresh checkout of ``ws`` (its files, no DVC cache or outputs), pulled from the remote."""
    copy = ws.parent / name
    keep = shutil.ignore_patterns("cache", "models", "artifacts", "outputs", ".forecastops")
    shutil.copytree(ws, copy, ignore=keep)
    dvc("pull", "--allow-missing", cwd=copy)
    return copy


def _entry(lock: Path, stage: str) -> dict:
    """What dvc.lock records for one stage (its deps', params' and outputs' hashes)."""
    return yaml.safe_load(lock.read_text())["stages"][stage]


def test_region_groups_on_separate_runners_meet_in_one_dvc_lock(ws, tmp_path, monkeypatch):
    """main.yml: each runner trains its group and pushes with the run-cache; the gather job's
    `dvc repro --pull` restores every train stage (nothing retrains) and writes one dvc.lock."""
    dvc("remote", "add", "-f", "-d", "store", str(tmp_path / "remote"), cwd=ws)
    dvc("push", "--run-cache", cwd=ws)
    set_params(
        ws,
        "+segments.all_regions.texas.model.lasso.alpha=0.004",
        "+segments.all_regions.northeast.model.lasso.alpha=0.004",
    )
    runners = {}
    for region in ("northeast", "texas"):
        runners[region] = _runner(ws, f"runner-{region}")
        monkeypatch.chdir(runners[region])
        assert cli.main(["train-stale", "--regions", region]) == 0
        dvc("push", "--run-cache", cwd=runners[region])
    gather = _runner(ws, "gather")
    monkeypatch.chdir(gather)
    log = subprocess.run(
        [sys.executable, "-m", "forecastops.cli", "repro", "--pull"],
        cwd=gather,
        capture_output=True,
        text=True,
    )
    assert log.returncode == 0, log.stdout + log.stderr
    for region, runner in runners.items():
        assert f"Stage 'train@{region}' is cached - skipping run" in log.stdout
        stage = f"train@{region}"
        assert _entry(gather / "dvc.lock", stage) == _entry(runner / "dvc.lock", stage)
    assert "Running stage 'train@" not in log.stdout and "Running stage 'score'" in log.stdout
    assert "Data and pipelines are up to date" in dvc("status", cwd=gather)


def test_dvc_errors_are_one_line_naming_what_was_attempted(tmp_path):
    """No repository, or a dvc.yaml DVC cannot read: a ForecastopsError (exit 2, one line), not
    DVC's traceback."""
    with pytest.raises(ForecastopsError, match=r"dvc status train in .*not inside of a DVC"):
        stage_group.status("train", tmp_path)
    dvc("init", "--no-scm", cwd=tmp_path)
    (tmp_path / "dvc.yaml").write_text("stages: [unclosed\n")
    with pytest.raises(ForecastopsError, match=r"recording train in .*dvc\.yaml"):
        stage_group.record("train", ["texas"], tmp_path)
