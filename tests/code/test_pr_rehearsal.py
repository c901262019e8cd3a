"""End-to-end PR rehearsal: change one region's setting in conf/, rerun the smoke pipeline, and the
PR comment names the changed param, marks that region's deltas with intervals and leaves every
other region unchanged; a pure refactor yields "no change beyond noise".
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.diff import diff_metrics

ROOT = Path(__file__).resolve().parents[2]
REGION = "texas"
pytestmark = pytest.mark.slow


def _smoke_available() -> str | None:
    if importlib.util.find_spec("forecastops.gitops.smoke") is None:
        return "forecastops smoke is missing (src/forecastops/gitops/smoke.py)"
    if not (ROOT / "dvc.yaml").is_file():
        return "dvc.yaml missing"
    if not (ROOT / "sample").is_dir():
        return "committed sample sample/ missing"
    return None


def fo(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "forecastops.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_one_region_change_shows_only_that_region(tmp_path):
    reason = _smoke_available()
    if reason:
        pytest.skip(reason)
    repo = tmp_path / "repo"
    skip_top = {
        ".git",
        ".venv",
        ".smoke",
        ".forecastops",
        "data",
        "artifacts",
        "models",
        "outputs",
        ".tools",
    }
    skip_dvc = {"cache", "tmp", "config.local"}  # .dvc/config is the repository's

    def ignore(directory: str, names: list[str]) -> set[str]:
        top = Path(directory).resolve() == ROOT
        dvc_dir = Path(directory).resolve() == ROOT / ".dvc"
        return {
            n
            for n in names
            if (top and n in skip_top) or (dvc_dir and n in skip_dvc) or n == "__pycache__"
        }

    shutil.copytree(ROOT, repo, ignore=ignore)
    composed = fo(repo, "params", "env=local", "--out", str(tmp_path / "probe.yaml"))
    if composed.returncode != 0:
        pytest.skip(f"conf/ does not compose yet: {composed.stderr.strip()[:300]}")
    env_git = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", *env_git, "commit", "-qm", "base"], cwd=repo, check=True)

    base_run = fo(repo, "smoke", "--workdir", ".smoke")
    assert base_run.returncode == 0, base_run.stderr[-3000:]
    subprocess.run(["git", "add", "-f", "reports/smoke"], cwd=repo, check=True)
    subprocess.run(["git", *env_git, "commit", "-qm", "smoke baseline"], cwd=repo, check=True)

    # the PR: one region's model override in conf/
    seg_conf = repo / "conf" / "segments" / "default.yaml"
    conf = yaml.safe_load(seg_conf.read_text())
    subprocess.run(["git", "switch", "-q", "-c", "pr/texas-lasso"], cwd=repo, check=True)
    conf["all_regions"][REGION] = {
        "model": {"lasso": {"alpha": 0.05}, "ensemble": {"nn_weight_grid": [0.0]}}
    }
    seg_conf.write_text(yaml.safe_dump(conf, sort_keys=False))
    assert fo(repo, "params").returncode == 0
    head_run = fo(repo, "smoke", "--workdir", ".smoke")
    assert head_run.returncode == 0, head_run.stderr[-3000:]

    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-f", "reports/smoke"], cwd=repo, check=True)
    subprocess.run(
        ["git", *env_git, "commit", "-qm", "texas: stronger lasso"], cwd=repo, check=True
    )

    out = fo(repo, "report", "pr", "--base", "main", "--out", "reports/pr_comment.md")
    assert out.returncode == 0, out.stderr
    md = (repo / "reports" / "pr_comment.md").read_text()
    head = json.loads((repo / "reports" / "smoke" / "metrics.json").read_text())
    shown = subprocess.run(
        ["git", "show", "main:reports/smoke/metrics.json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    base = json.loads(shown.stdout)
    evaluate = section(load_params(repo / "params.yaml"), "evaluate", EvaluateConfig)
    diff = diff_metrics(base, head, evaluate)
    changed = {r.key.split("/")[0] for r in diff.segments if r.status == "changed"}
    assert changed == {REGION}, md
    assert all(r.key.startswith(REGION + "/") for r in diff.segments if r.status != "unchanged")
    main_table, folded = md.split("<details>", 1)
    assert f"`{REGION}/" in main_table and "`northeast/" not in main_table
    assert "`northeast/" in folded
    # the changed param, by name, from `dvc params diff --md` against the base
    assert f"segments.all_regions.{REGION}.model.lasso.alpha" in md.split("### Smoke metrics")[0]
    # each of the changed region's deltas carries an interval and a mark
    texas_rows = [ln for ln in main_table.splitlines() if ln.startswith(f"| `{REGION}/")]
    assert texas_rows
    for row in texas_rows:
        deltas = re.findall(r"\(([+-]\d+\.\d{4}) ([^\[(]+) \[([+-][\d.]+), ([+-][\d.]+)\]\)", row)
        assert deltas, row
        for _delta, mark, low, high in deltas:
            assert mark in ("🟢 better", "🔴 worse", "⚪ within noise"), row
            assert float(low) <= float(high)
            beyond = float(low) > 0 or float(high) < 0
            assert mark == "⚪ within noise" or beyond, row
    assert "**Beyond noise:**" in md or "**No change beyond noise**" in md
    assert "smoke gate (sample data, small models" in md
    # one chart per changed segment, base and head on it, linked relative to the comment
    charts = re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", md)
    assert charts and {seg.split("/")[0] for seg, _ in charts} == {REGION}
    assert all((repo / "reports" / link).is_file() for _, link in charts)

    # a pure refactor (behaviour unchanged) off main: nothing beyond noise, no params changed
    subprocess.run(["git", "switch", "-q", "-c", "pr/refactor", "main"], cwd=repo, check=True)
    module = repo / "src" / "forecastops" / "quality" / "metrics.py"
    module.write_text(module.read_text().replace("def finite(x: float)", "def finite(x: float )"))
    subprocess.run(["git", *env_git, "commit", "-qam", "refactor"], cwd=repo, check=True)
    refactor_run = fo(repo, "smoke", "--workdir", ".smoke")
    assert refactor_run.returncode == 0, refactor_run.stderr[-3000:]
    out = fo(repo, "report", "pr", "--base", "main", "--out", "reports/pr_comment.md")
    assert out.returncode == 0, out.stderr
    md = (repo / "reports" / "pr_comment.md").read_text()
    assert "**No change beyond noise**" in md, md[:3000]
    assert "### Params: none changed vs `main" in md
