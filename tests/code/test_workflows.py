"""GitHub workflows: schema, zizmor, thin steps (make targets / forecastops commands), pinned SHAs,
least privilege."""

from __future__ import annotations

import re
import shlex
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


def workflow(name: str) -> dict:
    return load(ROOT / ".github" / "workflows" / name)


def dry_run(target: str) -> str:
    out = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def make_steps(job: dict) -> list[str]:
    return [s["run"].split()[1] for s in job["steps"] if s.get("run", "").startswith("make ")]


def test_bot_commits_do_not_loop():
    main = workflow("main.yml")
    ignored = main["on"]["push"]["paths-ignore"]
    assert "dvc.lock" in ignored and "reports/**" in ignored
    rel = workflow("release.yml")
    assert "reports/release_validation.json" in rel["on"]["push"]["paths-ignore"]
    # the model-update PR must run pr.yml (required `pr / check`): no [skip ci] on its commit,
    # which GitHub also applies to pull_request runs; it touches only paths main.yml ignores
    pr_recipe = dry_run("model-update-pr")
    assert "--skip-ci" not in pr_recipe and "[skip ci]" not in pr_recipe
    (line,) = [ln for ln in pr_recipe.replace("\\\n", " ").splitlines() if " pr create " in ln]
    words = shlex.split(line)
    paths = words[words.index("--message") + 2 :]
    assert paths and all(p == "dvc.lock" or p.startswith("reports/") for p in paths), paths


def test_model_update_pr_carries_pinned_files_and_push_token():
    recipe = dry_run("model-update-pr")
    for path in ("dvc.lock", "reports/metrics.json", "reports/data_validation.json"):
        assert f" {path}" in recipe, f"model-update-pr does not commit {path}"
    (step,) = [s for _, s in steps(workflow("main.yml")) if s.get("run") == "make model-update-pr"]
    # a PR opened with GITHUB_TOKEN triggers no workflow, so its required check would never run
    assert step["env"]["REPO_TOKEN"] == "${{ secrets.FORECASTOPS_PUSH_TOKEN }}"


def artifact_root(paths: list[str]) -> str:
    """Where upload-artifact roots an upload: the least common ancestor of its paths (a file
    counts as its parent directory, a path ending in / as itself)."""
    dirs = []
    for raw in paths:
        parts = [p for p in raw.strip().split("/") if p not in ("", ".")]
        dirs.append(parts if raw.strip().endswith("/") else parts[:-1])
    common: list[str] = []
    for level in zip(*dirs, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common) or "."


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_downloaded_artifacts_land_where_they_were_uploaded(path):
    uploads: dict[str, list[str]] = {}
    downloads = []
    for job, step in steps(load(path)):
        uses, with_ = step.get("uses", ""), step.get("with", {})
        if uses.startswith("actions/upload-artifact@"):
            uploads[with_["name"]] = [p for p in str(with_["path"]).splitlines() if p.strip()]
        elif uses.startswith("actions/download-artifact@"):
            downloads.append((job, with_))
    for job, with_ in downloads:
        assert with_.get("name") in uploads, f"{path.name}:{job}: downloads an unknown artifact"
        root = artifact_root(uploads[with_["name"]])
        got = str(with_.get("path", ".")).rstrip("/") or "."
        assert got == root, (
            f"{path.name}:{job}: artifact {with_['name']} is rooted at {root}/ but downloaded "
            f"into {got}/: the files would not be at {uploads[with_['name']]}"
        )


def test_artifact_root():
    assert artifact_root(["reports/pr_comment.md", "reports/smoke/"]) == "reports"
    assert artifact_root(["reports/release_validation.json"]) == "reports"
    assert artifact_root(["reports/smoke/"]) == "reports/smoke"
    assert artifact_root(["deploy/forecasts.csv", "reports/deployment.json"]) == "."


def test_pr_comment_reads_the_downloaded_report():
    pr = workflow("pr.yml")
    (dl,) = [s for s in pr["jobs"]["comment"]["steps"] if "download-artifact" in s.get("uses", "")]
    upload = [s for s in pr["jobs"]["check"]["steps"] if "upload-artifact" in s.get("uses", "")]
    uploaded = upload[0]["with"]["path"].split()
    assert "reports/pr_comment.md" in uploaded and dl["with"]["path"] == "reports"
    assert "reports/pr_comment.md" in dry_run("pr-comment")


@pytest.mark.parametrize(
    ("name", "job"), [("release.yml", "validate"), ("deploy.yml", "score")], ids=str
)
def test_release_and_deploy_never_retrain(name, job):
    targets = make_steps(workflow(name)["jobs"][job])
    recipes = "\n".join(dry_run(t) for t in targets)
    assert "dvc repro" not in recipes, f"{name}:{job} would retrain"
    assert "dvc pull" in recipes and "--allow-missing" not in recipes
    # fails unless the pulled pipeline is exactly what git pins
    assert "dvc status -q" in recipes
    assert "git diff --exit-code" in recipes and "dvc.lock reports/metrics.json" in recipes


def test_deploy_scores_pulled_models_with_the_checked_deployment():
    targets = make_steps(workflow("deploy.yml")["jobs"]["score"])
    assert (
        targets.index("deploy-check") < targets.index("deploy-pull") < targets.index("deploy-score")
    )
    recipe = dry_run("deploy-score")
    assert "forecastops score --features artifacts/features --models models" in recipe
    assert "--deployment reports/deployment.json --out deploy/forecasts.csv" in recipe
    assert "dvc pull featurize train" in dry_run("deploy-pull")
    assert "dvc status -q train" in recipe


SECRET = re.compile(r"\$\{\{\s*secrets\.")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_only_on_the_steps_that_use_them(path):
    """No secret in workflow/job env: `make install` (pip) and npm must never see one."""
    wf = load(path)
    assert not SECRET.search(yaml.safe_dump(wf.get("env", {})))
    for name, job in wf["jobs"].items():
        assert not SECRET.search(yaml.safe_dump(job.get("env", {}))), f"{path.name}:{name}"
    for name, step in steps(wf):
        run = step.get("run", "")
        if run in ("make install", "make install-cml") or run.startswith("npm "):
            assert not step.get("env"), f"{path.name}:{name}: {run} gets env"


def test_release_validates_before_the_prod_approval():
    rel = workflow("release.yml")
    validate, promote = rel["jobs"]["validate"], rel["jobs"]["promote"]
    assert "environment" not in validate
    assert promote["needs"] == "validate" and promote["environment"] == "prod"
    assert "release-validate" in make_steps(validate)
    assert make_steps(promote)[-3:] == ["release-record", "register", "promote"]
    for job in (validate, promote):
        assert job["permissions"] == {"contents": "read"}
    # the push token only exists after approval
    assert "FORECASTOPS_PUSH_TOKEN" not in yaml.safe_dump(validate)
