"""The embedded default dataset is byte-identical to what data.dvc pins, on every machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops import cli

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_generated_default_matches_committed_data_dvc(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    assert cli.main(["generate", "--out", str(tmp_path / "data")]) == 0
    dvc = str(Path(sys.executable).parent / "dvc")
    subprocess.run([dvc, "init", "--no-scm", "-q"], cwd=tmp_path, check=True)
    subprocess.run([dvc, "add", "-q", "data"], cwd=tmp_path, check=True)
    ours = yaml.safe_load((tmp_path / "data.dvc").read_text())["outs"][0]
    pinned = yaml.safe_load((REPO / "data.dvc").read_text())["outs"][0]
    assert (ours["md5"], ours["size"], ours["nfiles"]) == (
        pinned["md5"],
        pinned["size"],
        pinned["nfiles"],
    )
