"""The company a repository serves is a choice recorded in conf/ (conf/site.yaml): params and
--check, make params / data, the smoke and release compositions all honour it, and --check never
steers back to the default company."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops import cli
from forecastops.config.compose import compose

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's conf/ and Makefile, as cwd."""
    shutil.copytree(REPO / "conf", tmp_path / "conf")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _params(*args: str) -> int:
    return cli.main(["params", *args])


def _company(path: str = "params.yaml") -> tuple[str, str]:
    params = yaml.safe_load(Path(path).read_text())
    return params["data"]["company"], params["env"]["data_root"]


def test_an_unrecorded_company_is_named_by_check_not_switched_back(repo, capsys):
    assert _params("data=walmart", "env.data_root=/x") == 0
    assert "--record" in capsys.readouterr().out  # params.yaml now holds what conf/ does not
    assert _params("--check") == 2
    err = capsys.readouterr().err
    assert "serves company 'walmart' but conf/ composes company 'default'" in err
    assert "forecastops params --record data=" in err and "would switch it to 'default'" in err
    assert _company() == ("walmart", "/x")  # --check changed nothing


def test_a_recorded_company_is_what_every_composition_serves(repo, capsys):
    assert _params("--record", "data=walmart", "env.data_root=/x") == 0
    site = yaml.safe_load((repo / "conf" / "site.yaml").read_text())
    assert site == {"overrides": ["data=walmart", "env.data_root=/x"]}
    assert _params("--check") == 0 and _company() == ("walmart", "/x")
    assert _params() == 0 and _company() == ("walmart", "/x")  # make params keeps it
    for env in ("local", "dev", "prod"):  # smoke, main, release
        params = compose([f"env={env}"], repo / "conf")
        assert (params["data"]["company"], params["env"]["name"]) == ("walmart", env)
    capsys.readouterr()
    assert _params("--get", "data.company") == 0 and capsys.readouterr().out == "walmart\n"
    # the command line still wins, and recording again replaces only what it names
    assert _params("--get", "data.company", "data=default") == 0
    assert capsys.readouterr().out == "default\n"
    assert _params("--record", "env.data_root=/y") == 0 and _company() == ("walmart", "/y")
    # a broken record is named, not ignored
    (repo / "conf" / "site.yaml").write_text("overrides: [data]\n")
    assert _params("--check") == 2 and "site.yaml" in capsys.readouterr().err


def _make_data(repo: Path) -> subprocess.CompletedProcess:
    """`make data` with this interpreter's environment (install is not remade)."""
    venv = Path(sys.executable).parent.parent
    return subprocess.run(
        ["make", "-s", "-o", "install", "data", f"VENV={venv}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_data_honours_the_recorded_data_root(repo, capsys):
    assert _params("--record", "data=walmart", "env.data_root=walmart_csvs") == 0
    missing = _make_data(repo)
    assert missing.returncode != 0
    assert "env.data_root walmart_csvs (company walmart) is missing or empty" in missing.stderr
    (repo / "walmart_csvs").mkdir()
    (repo / "walmart_csvs" / "train.csv").write_text("Store\n1\n")
    found = _make_data(repo)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "data: walmart_csvs (env.data_root, company walmart)"
    assert not (repo / "data").exists()  # the default company's data was not generated


def test_make_data_never_generates_the_default_data_for_another_company(repo, capsys):
    """A DVC-tracked root that cannot be pulled is generated only for the default company."""
    assert _params("--record", "data=walmart") == 0
    (repo / "data.dvc").write_text("outs:\n- path: data\n")
    refused = _make_data(repo)
    assert refused.returncode != 0 and not (repo / "data").exists()
    assert "the embedded generator makes only the default company's data" in refused.stderr
