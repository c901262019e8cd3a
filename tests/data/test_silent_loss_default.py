"""Issue 7's two silent losses, on the real generated default data: half of weather/observed.csv
(its cut-off last line still parses) and returns.jsonl without its first line.

The intact data is validated once into a git repository and its report committed there, so the
damaged runs compare row counts with it exactly as a fresh clone compares with the committed
reports/data_validation.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from forecastops import cli

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
PREVIOUS = b"previous validated table"


def _git(repo: Path, *args: str) -> None:
    who = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", *who, *args], cwd=repo, check=True, capture_output=True)


def _stages(repo: Path, data: Path) -> int:
    """condition + validate of ``data`` with the repository's params, reports in ``repo``."""
    table = repo / "artifacts" / "conditioned.parquet"
    params = ["--params", str(REPO / "params.yaml")]
    if cli.main(["condition", *params, "--data", str(data), "--out", str(table)]):
        return 2
    out = repo / "artifacts" / "validated.parquet"
    out.write_bytes(PREVIOUS)
    report = ["--report", str(repo / "reports" / "data_validation.json")]
    return cli.main(["validate", *params, "--in", str(table), "--out", str(out), *report])


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Path, Path]:
    """(a repository whose committed report validated the default data, that data)."""
    base = tmp_path_factory.mktemp("default")
    data, repo = base / "data", base / "repo"
    assert cli.main(["generate", "--out", str(data), "--conf", str(REPO / "conf")]) == 0
    repo.mkdir()
    _git(repo, "init", "-q")
    assert _stages(repo, data) == 0
    _git(repo, "add", "reports/data_validation.json")
    _git(repo, "commit", "-q", "-m", "the last validated data")
    return repo, data


def _damaged_copy(data: Path, name: str, damage) -> Path:
    """A copy of ``data`` (hard links) whose file ``name`` is rewritten as ``damage(bytes)``."""
    copy = data.parent / f"damaged_{name.replace('/', '_')}"
    shutil.copytree(data, copy, copy_function=os.link)
    target = copy / name
    content = target.read_bytes()
    target.unlink()  # a hard link: never write through it into the intact data
    target.write_bytes(damage(content))
    return copy


def test_half_of_observed_weather_fails_naming_the_file(validated, capsys):
    repo, data = validated
    root = _damaged_copy(data, "weather/observed.csv", lambda b: b[: len(b) // 2])
    capsys.readouterr()
    assert _stages(repo, root) == 2
    err = capsys.readouterr().err
    assert "validation rule 'truncated_file' failed (error)" in err
    assert "source file(s): weather/observed.csv" in err
    assert "validation rule 'observed_weather' failed (error)" in err
    assert (repo / "artifacts" / "validated.parquet").read_bytes() == PREVIOUS
    report = json.loads((repo / "reports" / "data_validation.json").read_text())
    assert report["truncated_file"]["examples"][0]["_source_file"] == "weather/observed.csv"
    assert report["lost_rows"]["examples"][0]["source"] == "weather_observed"


def test_first_line_of_returns_dropped_is_reported(validated, capsys):
    repo, data = validated
    root = _damaged_copy(data, "returns.jsonl", lambda b: b[b.index(b"\n") + 1 :])
    assert _stages(repo, root) == 0
    report = json.loads((repo / "reports" / "data_validation.json").read_text())
    (lost,) = report["lost_rows"]["examples"]
    assert (lost["source"], lost["_source_file"]) == ("returns", "returns.jsonl")
    assert lost["baseline_rows"] - lost["rows"] == 1
    assert report["lost_rows"]["violations"] == 1 and report["summary"]["warnings"] >= 1
