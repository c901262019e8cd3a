"""The data scientist's loop with the real tools: a two-point `dvc exp run --queue` sweep on the
sample, compared with `dvc exp show`, the better one applied with `dvc exp apply` (its value in
conf/, `forecastops params --check` green), then `forecastops tune` on one region."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops import cli
from forecastops.errors import ForecastopsError
from forecastops.experiments.conf_edit import set_values
from forecastops.experiments.overrides import points

ROOT = Path(__file__).resolve().parents[2]
KEY = "segments.all_regions.texas.model.lasso.alpha"
VALUES = (0.0005, 0.05)


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert not check or out.returncode == 0, f"{args}: {out.stdout[-2000:]}{out.stderr[-3000:]}"
    return out


def fo(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(cwd, sys.executable, "-m", "forecastops.cli", *args, check=check)


def dvc(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run(cwd, sys.executable, "-m", "dvc", *args)


def _repo(tmp_path: Path) -> Path:
    """A git + DVC repository of the pipeline whose conf/ composes the sample (env=local)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("conf", "src", "sample"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "dvc.yaml", repo / "dvc.yaml")
    config = repo / "conf" / "config.yaml"
    config.write_text(re.sub(r"- env: dev\b", "- env: local", config.read_text()))
    (repo / ".gitignore").write_text("__pycache__/\n.forecastops/\n")
    fo(repo, "params")
    run(repo, "git", "init", "-q", "-b", "main")
    dvc(repo, "init", "-q")
    dvc(repo, "config", "core.analytics", "false")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "pipeline on the sample")
    return repo


def _texas_alpha(repo: Path) -> object:
    conf = yaml.safe_load((repo / "conf" / "segments" / "default.yaml").read_text())
    return ((conf["all_regions"]["texas"] or {}).get("model") or {}).get("lasso", {}).get("alpha")


def _experiments(repo: Path) -> dict[str, dict]:
    """name -> {"wape": overall WAPE, "alpha": texas alpha in params.yaml} from `dvc exp show`."""
    shown = json.loads(dvc(repo, "exp", "show", "--json").stdout)
    out = {}
    for baseline in shown:
        for exp in baseline.get("experiments") or []:
            data = exp["revs"][0]["data"]
            metrics = data["metrics"]["reports/live/evaluate/metrics.json"]["data"]
            params = data["params"]["params.yaml"]["data"]
            alpha = params["segments"]["all_regions"]["texas"]["model"]["lasso"]["alpha"]
            out[exp["name"]] = {"wape": metrics["overall"]["wape"], "alpha": alpha}
    return out


@pytest.mark.slow
def test_queue_sweep_apply_the_better_one_then_tune_a_region(tmp_path):
    repo = _repo(tmp_path)
    sweep = ",".join(str(v) for v in VALUES)
    queued = fo(repo, "exp", "run", "--queue", "-S", f"{KEY}={sweep}", "-n", "alpha")
    assert "queued 2" in queued.stdout, queued.stdout + queued.stderr
    # queueing leaves the workspace as it was: the queue holds the changes
    assert run(repo, "git", "status", "--porcelain").stdout == ""
    dvc(repo, "exp", "run", "--run-all")

    found = _experiments(repo)
    assert set(found) == {"alpha-1", "alpha-2"}, found
    assert sorted(e["alpha"] for e in found.values()) == list(VALUES)
    table = dvc(repo, "exp", "show", "--no-pager", "--md").stdout
    for column in ("overall.wape", "large.fast.wape", "model.lasso.alpha"):
        assert column in table, column
    # params in params.yaml's order: what an experiment varies before the adapter maps, so the
    # pager's first page (DVC's 1,024 characters) reaches the model's params
    header = [c.strip() for c in table.splitlines()[0].split("|")]
    assert header.index("model.lasso.alpha") < min(
        i for i, c in enumerate(header) if c.startswith(("validation.", "data."))
    )

    # as it comes (no flags, piped; a terminal pages the same table through `less -RS`): the
    # experiments and their overall metrics fit DVC's 1,024 columns, the rest folds into "…"
    plain = dvc(repo, "exp", "show").stdout.splitlines()
    assert max(map(len, plain)) <= 1024 + 2, max(map(len, plain))
    head = next(line for line in plain if "Experiment" in line)
    columns = head.split()  # Experiment, Created, (State, Executor once queued), metrics...
    assert columns[0] == "Experiment" and {"overall.mape", "overall.wape"} <= set(columns[:6])
    for name in found:
        row = next(line for line in plain if name in line)
        assert f"{found[name]['wape']:.5f}"[:6] in row, row

    # `make exp-show`: the swept param and the overall metrics, not the params every run shares
    keep = re.search(r"^EXP_KEEP \?= (.+)$", (ROOT / "make/experiments.mk").read_text(), re.M)
    changed = dvc(
        repo, "exp", "show", "--no-pager", "--md", "--only-changed", "--keep", keep.group(1)
    ).stdout.splitlines()[0]
    assert KEY in changed and "overall.mape" in changed and "overall.wape" in changed, changed
    assert "model.nn.epochs" not in changed, changed

    best = min(found, key=lambda name: found[name]["wape"])
    dvc(repo, "exp", "apply", best)
    assert fo(repo, "params", "--check").returncode == 0
    assert _texas_alpha(repo) == found[best]["alpha"]
    live = json.loads((repo / "reports/live/evaluate/metrics.json").read_text())
    assert live["overall"]["wape"] == found[best]["wape"]

    # tune texas over two lasso strengths on its validation weeks: the winner lands in conf/
    before = _texas_alpha(repo)
    space = "tune.space={lasso:{alpha:[0.01,0.2]}}"
    tuned = fo(repo, "tune", "--region", "texas", space, "~tune.space.nn")
    scores = dict(
        (m.group(2), float(m.group(1)))
        for m in re.finditer(r"validation wape ([0-9.]+)  (.+)", tuned.stdout)
    )
    assert set(scores) == {"(current settings)", "lasso.alpha=0.01", "lasso.alpha=0.2"}, (
        tuned.stdout
    )
    winner = min(scores, key=scores.get)
    expected = before if winner == "(current settings)" else float(winner.split("=")[1])
    assert _texas_alpha(repo) == expected, tuned.stdout
    assert fo(repo, "params", "--check").returncode == 0


def test_set_writes_where_the_composition_takes_the_key(tmp_path, monkeypatch):
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf", conf)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    original = (conf / "model" / "ensemble.yaml").read_text()
    assert cli.main(["exp", "set", "model.lasso.alpha=0.002", f"{KEY}=0.01"]) == 0
    text = (conf / "model" / "ensemble.yaml").read_text()
    assert "alpha: 0.002" in text and text.count("#") == original.count("#")  # comments kept
    assert _texas_alpha(tmp_path) == 0.01
    assert cli.main(["params", "--check"]) == 0
    # a value written where a later file overrides it would be lost: refused, files put back
    edited = {p: p.read_text() for p in conf.rglob("*.yaml")}
    with pytest.raises(ForecastopsError, match=r"segments\.regions.*not a mapping"):
        set_values({"segments.regions.texas.model.lasso.alpha": 1.0}, conf, tmp_path / "p.yaml")
    assert {p: p.read_text() for p in conf.rglob("*.yaml")} == edited
    with pytest.raises(ForecastopsError, match=r"model\.lasso\.alpha"):
        set_values({"model.lasso.alpha": -1.0}, conf, tmp_path / "p.yaml")
    assert {p: p.read_text() for p in conf.rglob("*.yaml")} == edited


def test_values_set_outside_conf_are_named_then_moved_into_it(tmp_path, monkeypatch, capsys):
    """What `dvc exp run -S` + `dvc exp apply` leave: params.yaml ahead of conf/."""
    shutil.copytree(ROOT / "conf", tmp_path / "conf")
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["params"]) == 0
    params = tmp_path / "params.yaml"
    params.write_text(params.read_text().replace("alpha: 0.0005", "alpha: 0.003"))
    assert cli.main(["params", "--check"]) == 2
    err = capsys.readouterr().err
    assert "model.lasso.alpha: 0.003 -> 0.0005" in err and "--from-params" in err
    assert cli.main(["exp", "set", "--from-params"]) == 0
    assert "alpha: 0.003" in (tmp_path / "conf" / "model" / "ensemble.yaml").read_text()
    assert cli.main(["params", "--check"]) == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (["env=prod"], "config group or section"),
        (["~model.lasso.alpha"], "deleting"),
        (["model.lasso.alpha=1", "model.lasso.alpha=2"], "set more than once"),
        (["model.lasso.alpha=[1,"], "not a key=value"),
    ],
)
def test_bad_settings_are_named(settings, message):
    with pytest.raises(ForecastopsError, match=message):
        points(settings)


def test_a_sweep_is_every_combination():
    combos = points(["a.x=1,2", "b.y=choice(3,4)", "c.z=[5,6]"])
    assert combos == [
        {"a.x": 1, "b.y": 3, "c.z": [5, 6]},
        {"a.x": 1, "b.y": 4, "c.z": [5, 6]},
        {"a.x": 2, "b.y": 3, "c.z": [5, 6]},
        {"a.x": 2, "b.y": 4, "c.z": [5, 6]},
    ]
