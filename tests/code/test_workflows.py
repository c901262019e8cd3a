"""GitHub workflows: schema, zizmor, thin steps (make targets / forecastops commands), pinned SHAs,
least privilege."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINS = Path("/work/shared/actions-pins.md")
SETUP_STEPS = re.compile(r"^(npm install -g @dvcorg/cml@\d+\.\d+\.\d+|git config .+)$")


def tool(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the `on:` key as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(wf: dict):
    for name, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_workflows_exist():
    names = {p.name for p in WORKFLOWS}
    assert {"pr.yml", "main.yml", "release.yml", "deploy.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_schema(path):
    exe = tool("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema not installed")
    out = subprocess.run(
        [exe, "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_zizmor_no_findings():
    exe = tool("zizmor")
    if exe is None:
        pytest.skip("zizmor not installed")
    out = subprocess.run(
        [exe, "--offline", str(ROOT / ".github" / "workflows")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No findings" in out.stdout + out.stderr


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    for mk in sorted((ROOT / "make").glob("*.mk")):
        text += "\n" + mk.read_text()
    return set(re.findall(r"^([a-zA-Z0-9_.-]+):(?!=)", text, flags=re.M))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_run_steps_are_thin(path):
    targets = make_targets()
    for job, step in steps(load(path)):
        if "run" not in step:
            continue
        cmd = step["run"].strip()
        assert "\n" not in cmd, f"{path.name}:{job}: multi-line run step: {cmd!r}"
        assert "${{" not in cmd, f"{path.name}:{job}: template expansion in run: {cmd!r}"
        words = cmd.split()
        if words[0] == "make":
            assert len(words) == 2, f"{path.name}:{job}: one target per step: {cmd!r}"
            assert words[1] in targets, f"{path.name}:{job}: no make target {words[1]}"
            dry = subprocess.run(
                ["make", "-n", "-C", str(ROOT), words[1]], capture_output=True, text=True
            )
            assert dry.returncode == 0, dry.stderr
        elif words[0] == "forecastops":
            assert words[1] in COMMANDS, f"{path.name}:{job}: unknown command {words[1]}"
        else:
            assert SETUP_STEPS.match(cmd), f"{path.name}:{job}: not thin: {cmd!r}"


def pins() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for m in re.finditer(
        r"^\|\s*([\w.-]+/[\w.-]+)\s*\|\s*(v[\w.]+)\s*\|\s*([0-9a-f]{40})\s*\|",
        PINS.read_text(),
        flags=re.M,
    ):
        table.setdefault(m.group(1), {})[m.group(3)] = m.group(2)
    return table


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_to_listed_shas(path):
    if not PINS.is_file():
        pytest.skip(f"{PINS} not present")
    table = pins()
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(?:\s*#\s*(\S+))?", path.read_text(), flags=re.M)
    for ref, comment in uses:
        if ref.startswith("./"):
            continue
        action, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{path.name}: {ref} is not pinned to a SHA"
        assert sha in table.get(action, {}), f"{path.name}: {ref} is not in {PINS}"
        assert comment == table[action][sha], f"{path.name}: {ref} needs '# {table[action][sha]}'"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path):
    wf = load(path)
    assert wf.get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"
    assert "pull_request_target" not in wf["on"]
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"{path.name}:{name}: job needs explicit permissions"
    for name, step in steps(wf):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}:{name}"
    assert "concurrency" in wf or all("concurrency" in j for j in wf["jobs"].values())


def test_pr_runs_on_github_hosted_and_comment_skips_forks():
    wf = load(ROOT / ".github" / "workflows" / "pr.yml")
    for job in wf["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
    assert "head.repo.full_name == github.repository" in wf["jobs"]["comment"]["if"]
    assert wf["concurrency"]["cancel-in-progress"] is True


def test_deploy_triggers_on_prod_tags_only():
    wf = load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert wf["on"] == {"push": {"tags": ["forecaster#prod#*"]}}


def test_bot_commits_do_not_loop():
    main = load(ROOT / ".github" / "workflows" / "main.yml")
    ignored = main["on"]["push"]["paths-ignore"]
    assert "dvc.lock" in ignored and "reports/**" in ignored
    rel = load(ROOT / ".github" / "workflows" / "release.yml")
    assert "reports/release_validation.json" in rel["on"]["push"]["paths-ignore"]
    mk = (ROOT / "make" / "gitops.mk").read_text()
    assert "--skip-ci" in mk and "[skip ci]" in mk
