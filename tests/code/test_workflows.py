"""GitHub workflows: schema, zizmor, thin steps (make targets / forecastops commands), pinned SHAs,
least privilege."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forecastops import cli
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


def zizmor(*args: str) -> subprocess.CompletedProcess:
    exe = tool("zizmor")
    if exe is None:
        pytest.skip("zizmor not installed")
    workflows = str(ROOT / ".github" / "workflows")
    return subprocess.run(
        [exe, "--offline", "--persona", "auditor", *args, workflows], capture_output=True, text=True
    )


def test_zizmor_auditor_no_findings():
    out = zizmor()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No findings" in out.stdout + out.stderr


# Each finding .github/zizmor.yml suppresses, with its reason there: (audit, workflow file).
SUPPRESSED = {
    ("self-hosted-runner", "main.yml"),
    ("self-hosted-runner", "deploy.yml"),
    ("self-hosted-runner", "monitor.yml"),
}


def test_zizmor_suppresses_only_the_documented_findings():
    """Without the config the auditor finds exactly the suppressed ones: a new finding cannot hide
    behind an existing ignore, and a stale ignore is noticed."""
    out = zizmor("--no-config", "--format", "json")
    found = {
        (f["ident"], Path(loc["symbolic"]["key"]["Local"]["verbatim_path"]).name)
        for f in json.loads(out.stdout)
        for loc in f["locations"]
        if loc["symbolic"]["kind"] == "Primary"
    }
    assert found == SUPPRESSED
    config = yaml.safe_load((ROOT / ".github" / "zizmor.yml").read_text())
    ignored = {(rule, name) for rule, cfg in config["rules"].items() for name in cfg["ignore"]}
    assert ignored == SUPPRESSED


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
    # validate's environment holds read-only keys and has no reviewers (repo-settings.yaml)
    assert validate["environment"] == "release"
    assert promote["needs"] == "validate" and promote["environment"] == "prod"
    assert "release-validate" in make_steps(validate)
    assert make_steps(promote)[-3:] == ["release-record", "register", "promote"]
    assert validate["permissions"] == {"contents": "read", "statuses": "write"}
    assert promote["permissions"] == {"contents": "read"}
    # the push token only exists after approval
    assert "FORECASTOPS_PUSH_TOKEN" not in yaml.safe_dump(validate)


# ---------------------------------------------------------- least privilege for data (issue 7)
RW_KEYS = {"DVC_REMOTE_ACCESS_KEY_ID", "DVC_REMOTE_SECRET_ACCESS_KEY"}
RO_KEYS = {"DVC_REMOTE_RO_ACCESS_KEY_ID", "DVC_REMOTE_RO_SECRET_ACCESS_KEY"}
WRITE_ENVIRONMENTS = {"training", "prod"}
# A self-hosted runner only runs inside an environment restricted to main or release refs.
RUNNER_ENVIRONMENTS = WRITE_ENVIRONMENTS | {"monitoring"}
PUSH_TARGETS = {"dvc-push", "deploy-publish"}  # the only steps that write to the DVC remote
SECRET_NAME = re.compile(r"\$\{\{\s*secrets\.(\w+)\s*\}\}")


def all_jobs():
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            yield path.name, name, job


def secrets_of(node: object) -> set[str]:
    return set(SECRET_NAME.findall(yaml.safe_dump(node))) - {"GITHUB_TOKEN"}


@pytest.mark.parametrize(
    ("wf", "job_id", "job"), [pytest.param(*j, id=f"{j[0]}:{j[1]}") for j in all_jobs()]
)
def test_secrets_only_inside_environments(wf, job_id, job):
    """A job that gets any secret (besides its own GITHUB_TOKEN) runs in an environment, whose
    deployment branches and reviewers gate it; read-write DVC keys only in training/prod, and only
    on the steps that push."""
    used = secrets_of(job)
    if used:
        assert job.get("environment"), f"{wf}:{job_id} gets {sorted(used)} outside an environment"
    if used & RW_KEYS:
        assert job["environment"] in WRITE_ENVIRONMENTS, f"{wf}:{job_id}"
    for step in job.get("steps", []):
        if secrets_of(step) & RW_KEYS:
            assert step.get("run", "").removeprefix("make ") in PUSH_TARGETS, (
                f"{wf}:{job_id}: read-write DVC keys on {step.get('run') or step.get('uses')}"
            )


def test_jobs_that_only_pull_get_read_only_keys():
    validate = workflow("release.yml")["jobs"]["validate"]
    assert secrets_of(validate) == RO_KEYS
    for wf, job_id in (("main.yml", "train"), ("main.yml", "gather"), ("deploy.yml", "score")):
        job = workflow(wf)["jobs"][job_id]
        pulls = [s for s in job["steps"] if s.get("run") in ("make dvc-pull", "make deploy-pull")]
        assert pulls and all(secrets_of(s) == RO_KEYS for s in pulls), f"{wf}:{job_id}"


def test_pull_requests_get_no_secrets_and_no_self_hosted_runner():
    pr = workflow("pr.yml")
    assert set(pr["on"]) == {"pull_request"}  # never pull_request_target (a fork's code + secrets)
    for job_id, job in pr["jobs"].items():
        assert job["runs-on"] == "ubuntu-latest" and "environment" not in job, job_id
        assert secrets_of(job) == set(), f"pr.yml:{job_id}"
    for wf, job_id, job in all_jobs():
        if "self-hosted" in str(job["runs-on"]):
            assert "pull_request" not in load(ROOT / ".github/workflows" / wf)["on"], wf
            assert job.get("environment") in RUNNER_ENVIRONMENTS, f"{wf}:{job_id}"


def test_release_status_set_by_validate_and_read_by_deploy():
    validate = workflow("release.yml")["jobs"]["validate"]
    (status,) = [s for s in validate["steps"] if s.get("run") == "make release-status"]
    assert status["if"] == "always()" and status["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert "forecastops release status" in dry_run("release-status")
    assert make_steps(validate).index("release-validate") < make_steps(validate).index(
        "release-status"
    )
    score = workflow("deploy.yml")["jobs"]["score"]
    assert score["permissions"] == {"contents": "read", "statuses": "read"}
    tokens = [s["run"] for s in score["steps"] if "GH_TOKEN" in s.get("env", {})]
    assert tokens == ["make deploy-check"]


# ------------------------------------------------------- the training matrix (issue 10, item 2)
def test_main_fans_regions_out_over_gpu_runners_from_conf():
    """plan (GitHub-hosted, no secrets) prints the region groups from conf/; train runs one GPU
    runner job per group; gather needs them all."""
    jobs = workflow("main.yml")["jobs"]
    plan, train, gather = jobs["plan"], jobs["train"], jobs["gather"]
    assert plan["runs-on"] == "ubuntu-latest" and "environment" not in plan
    assert secrets_of(plan) == set() and plan["permissions"] == {"contents": "read"}
    (groups,) = [s for s in plan["steps"] if s.get("run") == "make train-matrix"]
    assert plan["outputs"]["groups"] == f"${{{{ steps.{groups['id']}.outputs.groups }}}}"
    assert "forecastops train-groups" in dry_run("train-matrix")
    assert "GITHUB_OUTPUT" in dry_run("train-matrix")
    assert train["needs"] == "plan" and "self-hosted" in str(train["runs-on"])
    matrix = train["strategy"]["matrix"]
    assert matrix == {"group": "${{ fromJSON(needs.plan.outputs.groups) }}"}
    assert train["strategy"]["fail-fast"] is False  # a failed group keeps the others' models
    assert gather["needs"] == "train" and "self-hosted" in str(gather["runs-on"])


def test_each_runner_trains_its_group_and_pushes_the_run_cache():
    train = workflow("main.yml")["jobs"]["train"]
    assert make_steps(train) == ["install", "dvc-pull", "train-stale", "dvc-push"]
    (step,) = [s for s in train["steps"] if s.get("run") == "make train-stale"]
    assert step["env"] == {"REGIONS": "${{ matrix.group.regions }}"}  # env, never in run:
    recipe = dry_run("train-stale")
    assert "forecastops train-stale" in recipe and '--regions "$REGIONS"' in recipe
    # the gather job restores the runners' stages from DVC's run-cache on the remote
    assert "dvc push --run-cache" in dry_run("dvc-push")


def test_gather_records_one_dvc_lock_without_retraining():
    gather = workflow("main.yml")["jobs"]["gather"]
    steps = make_steps(gather)
    order = ["dvc-pull", "repro", "dvc-push", "report-main", "model-update-pr"]
    assert [s for s in steps if s in order] == order
    flags = gather["env"]["REPRO_FLAGS"]
    assert "--pull" in flags.split() and "--force" not in flags  # --force would skip run-cache
    assert "forecastops repro $(REPRO_FLAGS)" in (ROOT / "make" / "gitops.mk").read_text()
    (repro,) = [s for s in gather["steps"] if s.get("run") == "make repro"]
    assert secrets_of(repro) == RO_KEYS


def test_matrix_jobs_share_one_workflow_concurrency_group():
    """A job-level concurrency group on a matrix job would make its groups cancel each other."""
    wf = workflow("main.yml")
    assert wf["concurrency"]["group"] and wf["concurrency"]["cancel-in-progress"] is True
    for name, job in wf["jobs"].items():
        assert "concurrency" not in job, name


def test_train_groups_cover_every_region_of_params_once(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["train-groups"]) == 0
    groups = json.loads(capsys.readouterr().out)
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    regions = [r for g in groups for r in g["regions"].split(",")]
    assert sorted(regions) == sorted(params["segments"]["regions"])
    assert len(groups) == params["env"]["train_groups"] > 1
    sizes = [len(g["regions"].split(",")) for g in groups]
    assert max(sizes) - min(sizes) <= 1 and len({g["name"] for g in groups}) == len(groups)
