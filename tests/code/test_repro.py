"""``forecastops repro`` on a real DVC repository: a run that fails on corrupt data leaves the
git-tracked ``data.dvc`` as committed, and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forecastops import cli
from forecastops.gitops.repro import repro

BIN = Path(sys.executable).parent
CHECK = "python -c \"import sys; sys.exit('corrupt' in open('data/x.csv').read())\""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def dvc_repo(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PATH", f"{BIN}:{os.environ['PATH']}")
    _run("git", "init", "-q", "-b", "main", cwd=tmp_path)
    _run("dvc", "init", "-q", cwd=tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a,b\n1,2\n")
    _run("dvc", "add", "-q", "data", cwd=tmp_path)
    (tmp_path / "dvc.yaml").write_text(
        f"stages:\n  check:\n    cmd: {CHECK} && echo ok > out.txt\n    deps: [data]\n"
        "    outs: [out.txt]\n"
    )
    _run("dvc", "repro", "-q", cwd=tmp_path)
    _run("git", "add", "-A", cwd=tmp_path)
    _run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c", cwd=tmp_path)
    return tmp_path


def test_a_failed_run_restores_data_dvc_and_says_so(dvc_repo, capsys):
    pointer = (dvc_repo / "data.dvc").read_bytes()
    (dvc_repo / "data" / "x.csv").write_text("a,b\ncorrupt,2\n")
    assert repro([], dvc_repo) != 0
    assert (dvc_repo / "data.dvc").read_bytes() == pointer
    assert "data.dvc is restored to its committed content" in capsys.readouterr().err


def test_a_successful_run_keeps_the_new_pointer(dvc_repo):
    pointer = (dvc_repo / "data.dvc").read_bytes()
    (dvc_repo / "data" / "x.csv").write_text("a,b\n3,4\n")
    assert repro([], dvc_repo) == 0
    assert (dvc_repo / "data.dvc").read_bytes() != pointer


def test_the_cli_passes_dvc_options_on(dvc_repo, monkeypatch, capfd):
    """`make repro REPRO_FLAGS=--force` (main.yml's schedule) and `--pull` (its gather job) reach
    dvc repro: the stage reruns although nothing changed."""
    monkeypatch.chdir(dvc_repo)
    assert cli.main(["repro", "--force", "check"]) == 0
    assert "Running stage 'check'" in capfd.readouterr().out
    with pytest.raises(SystemExit):  # other commands still refuse options they do not know
        cli.main(["params", "--force"])


def test_it_runs_this_installations_dvc_when_the_venv_is_not_on_path(dvc_repo, monkeypatch):
    """`.venv/bin/forecastops train-stale` without an activated venv: dvc, and the stage commands
    it runs, are this installation's (the bare name `dvc` was not found here)."""
    monkeypatch.setenv("PATH", os.defpath)
    (dvc_repo / "data" / "x.csv").write_text("a,b\n5,6\n")
    assert repro([], dvc_repo) == 0
    assert (dvc_repo / "out.txt").read_text() == "ok\n"
