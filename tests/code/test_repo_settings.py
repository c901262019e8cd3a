"""``.github/repo-settings.yaml``: the exact ``gh api`` calls its dry run prints, the live apply
against a fake ``gh`` (offline), and agreement with what the workflows rely on."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from forecastops import cli
from forecastops.gitops.github.settings_file import load_repo_settings

SETTINGS = REPO / ".github" / "repo-settings.yaml"
WORKFLOWS = REPO / ".github" / "workflows"
BASE = "repos/{owner}/{repo}"
SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)\s*\}\}")


def fo(*args: str) -> int:
    return cli.main(list(args))


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads `on:` as True
    return data


def dry_run(capsys, path: Path = SETTINGS) -> list[str]:
    """The printed commands (heredoc bodies folded into their command's entry)."""
    capsys.readouterr()
    assert fo("repo-settings", "apply", "--file", str(path), "--dry-run") == 0
    return re.split(r"\n(?=gh |# )", capsys.readouterr().out.strip())


def body(entry: str) -> dict:
    return json.loads(entry.split("<<'JSON'\n", 1)[1].rsplit("\nJSON", 1)[0])


def test_dry_run_prints_every_call_in_order(capsys):
    entries = dry_run(capsys)
    commands = [e.splitlines()[0].removesuffix(" --input - <<'JSON'") for e in entries]
    put, post = "gh api --method PUT", "gh api --method POST"
    policies = "deployment-branch-policies"
    listing = "--jq '.branch_policies[] | \"\\(.id) \\(.type) \\(.name)\"'"
    note = "# each pattern the read above does not list; listed ones not in the file are deleted"
    assert commands == [
        f"{put} '{BASE}/actions/permissions/workflow'",
        f"{put} '{BASE}/actions/permissions/fork-pr-contributor-approval'",
        f"{put} '{BASE}/branches/main/protection'",
        "gh api apps/forecastops-bot --jq .id",
        "gh api 'orgs/{owner}/teams/ml-release-managers' --jq .id",
        f"gh api --paginate '{BASE}/rulesets' --jq '.[] | select(.name == \"registry-tags\") | .id'",
        f"# POST {BASE}/rulesets instead when no ruleset is named registry-tags",
        f"{put} '{BASE}/rulesets/<id of ruleset registry-tags>'",
        f"gh api --paginate '{BASE}/rulesets' --jq '.[] | select(.name == \"release-branches\") | .id'",
        f"# POST {BASE}/rulesets instead when no ruleset is named release-branches",
        f"{put} '{BASE}/rulesets/<id of ruleset release-branches>'",
        f"{put} '{BASE}/environments/release'",
        f"gh api --paginate '{BASE}/environments/release/{policies}' {listing}",
        note,
        f"{post} '{BASE}/environments/release/{policies}'",
        "gh api 'orgs/{owner}/teams/ml-maintainers' --jq .id",
        f"{put} '{BASE}/environments/training'",
        f"gh api --paginate '{BASE}/environments/training/{policies}' {listing}",
        note,
        f"{post} '{BASE}/environments/training/{policies}'",
        f"{put} '{BASE}/environments/prod'",
        f"gh api --paginate '{BASE}/environments/prod/{policies}' {listing}",
        note,
        f"{post} '{BASE}/environments/prod/{policies}'",
        f"{post} '{BASE}/environments/prod/{policies}'",
        f"{put} '{BASE}/environments/monitoring'",
        f"gh api --paginate '{BASE}/environments/monitoring/{policies}' {listing}",
        note,
        f"{post} '{BASE}/environments/monitoring/{policies}'",
        f"gh api --paginate '{BASE}/environments/release/secrets' --jq '.secrets[].name'",
        f"gh api --paginate '{BASE}/environments/training/secrets' --jq '.secrets[].name'",
        f"gh api --paginate '{BASE}/environments/prod/secrets' --jq '.secrets[].name'",
        f"gh api --paginate '{BASE}/environments/monitoring/secrets' --jq '.secrets[].name'",
        f"gh api --paginate '{BASE}/actions/secrets' --jq '.secrets[].name'",
        "# dry run: nothing was changed (" + str(SETTINGS) + ")",
    ]
    bodies = {e.splitlines()[0]: body(e) for e in entries if "<<'JSON'" in e}
    protection = next(b for c, b in bodies.items() if "branches/main/protection" in c)
    assert protection["required_status_checks"] == {
        "strict": True,
        "checks": [{"context": "pr-check"}],
    }
    assert protection["allow_force_pushes"] is False and protection["restrictions"] is None
    tags = next(b for c, b in bodies.items() if "<id of ruleset registry-tags>" in c)
    assert (
        tags["target"] == "tag"
        and "refs/tags/*#prod#*" in tags["conditions"]["ref_name"]["include"]
    )
    assert tags["bypass_actors"][0] == {
        "actor_id": "<id of app forecastops-bot>",
        "actor_type": "Integration",
        "bypass_mode": "always",
    }
    prod = next(b for c, b in bodies.items() if c.endswith("environments/prod' --input - <<'JSON'"))
    assert prod["reviewers"] == [{"type": "Team", "id": "<id of team ml-release-managers>"}]
    assert prod["prevent_self_review"] is True
    posted = [body(e) for e in entries if e.startswith(f"{post} '{BASE}/environments/prod/")]
    assert posted == [
        {"name": "release/*", "type": "branch"},
        {"name": "forecaster#prod#*", "type": "tag"},
    ]


def test_live_apply_against_a_fake_gh(capsys, fake_gh):
    """Update the existing ruleset, create the missing one, delete a stray deployment policy, and
    fail naming each missing or misplaced secret (after applying the rest)."""
    fake_gh.reply("apps/forecastops-bot", "101\n")
    fake_gh.reply("orgs/{owner}/teams/ml-release-managers", "202\n")
    fake_gh.reply("orgs/{owner}/teams/ml-maintainers", "303\n")
    fake_gh.reply(f"{BASE}/rulesets", "7\n")  # the select() of both names hits: both updated
    fake_gh.reply(
        f"{BASE}/environments/prod/deployment-branch-policies", "11 branch release/*\n12 branch *\n"
    )
    fake_gh.reply(f"{BASE}/environments/release/secrets", "DVC_REMOTE_RO_ACCESS_KEY_ID\n")
    prod_secrets = (
        "DVC_REMOTE_RO_ACCESS_KEY_ID DVC_REMOTE_RO_SECRET_ACCESS_KEY DVC_REMOTE_ACCESS_KEY_ID"
    )
    fake_gh.reply(f"{BASE}/environments/prod/secrets", prod_secrets.replace(" ", "\n"))
    fake_gh.reply(f"{BASE}/actions/secrets", "DVC_REMOTE_ACCESS_KEY_ID\nSOMETHING_ELSE\n")
    capsys.readouterr()
    assert fo("repo-settings", "apply", "--file", str(SETTINGS)) == 2
    err = capsys.readouterr().err
    assert "environment release lacks secrets: DVC_REMOTE_RO_SECRET_ACCESS_KEY" in err
    assert (
        "environment prod lacks secrets: DVC_REMOTE_SECRET_ACCESS_KEY, FORECASTOPS_PUSH_TOKEN"
        in err
    )
    assert "repository-wide secrets that belong in an environment: DVC_REMOTE_ACCESS_KEY_ID" in err
    assert "environment training lacks secrets" in err  # nothing listed for it
    writes = [
        (a[2], a[3], json.loads(stdin) if stdin else None)
        for a, stdin in fake_gh.calls()
        if "--method" in a
    ]
    rulesets = [(m, e) for m, e, _ in writes if "/rulesets" in e]
    assert rulesets == [("PUT", f"{BASE}/rulesets/7"), ("PUT", f"{BASE}/rulesets/7")]
    tags = next(b for m, e, b in writes if e == f"{BASE}/rulesets/7")
    assert [a["actor_id"] for a in tags["bypass_actors"]] == [101, 202]
    prod_policies = [(m, e, b) for m, e, b in writes if "environments/prod/deployment" in e]
    assert prod_policies == [
        (
            "POST",
            f"{BASE}/environments/prod/deployment-branch-policies",
            {"name": "forecaster#prod#*", "type": "tag"},
        ),
        ("DELETE", f"{BASE}/environments/prod/deployment-branch-policies/12", None),
    ]
    training = next(b for m, e, b in writes if e == f"{BASE}/environments/training")
    assert training["reviewers"] == [{"type": "Team", "id": 303}]
    # each id looked up once although two rulesets name the app and the team
    lookups = [a for a, _ in fake_gh.calls() if a[1] == "apps/forecastops-bot"]
    assert len(lookups) == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["rulesets"][0]["bypass"].append({"user": "alice"}),
            "bypass takes teams and apps",
        ),
        (lambda d: d["environments"]["prod"].update(reviewer=[]), "environments.prod.reviewer"),
        (
            lambda d: d["environments"]["prod"]["reviewers"].append({"team": "a", "user": "b"}),
            "exactly one",
        ),
    ],
)
def test_a_bad_settings_file_is_a_named_error(tmp_path, capsys, edit, message):
    data = yaml.safe_load(SETTINGS.read_text())
    edit(data)
    bad = tmp_path / "settings.yaml"
    bad.write_text(yaml.safe_dump(data))
    capsys.readouterr()
    assert fo("repo-settings", "apply", "--file", str(bad), "--dry-run") == 2
    err = capsys.readouterr().err
    assert str(bad) in err and message in err


# ------------------------------------------------------- what the workflows rely on is in the file
def jobs() -> list[tuple[str, str, dict]]:
    return [
        (p.name, n, j)
        for p in sorted(WORKFLOWS.glob("*.yml"))
        for n, j in workflow(p.name)["jobs"].items()
    ]


def test_every_environment_and_secret_a_job_uses_is_declared():
    settings = load_repo_settings(SETTINGS)
    for name, job_id, job in jobs():
        used = set(SECRET.findall(yaml.safe_dump(job))) - {"GITHUB_TOKEN"}
        env = job.get("environment")
        if not used:
            continue
        assert env in settings.environments, (
            f"{name}:{job_id} uses secrets outside a declared environment"
        )
        missing = used - set(settings.environments[env].secrets)
        assert not missing, f"{name}:{job_id}: environment {env} does not declare {sorted(missing)}"
        assert used <= set(settings.forbid_repository_secrets), f"{name}:{job_id}: {used}"


def test_environments_admit_exactly_the_refs_their_workflows_run_on():
    settings = load_repo_settings(SETTINGS)
    deploy_tags = workflow("deploy.yml")["on"]["push"]["tags"]
    assert settings.environments["prod"].deployment_tags == deploy_tags
    release = workflow("release.yml")["on"]["push"]["branches"]
    sample = "release/1.4"
    assert all(fnmatch.fnmatch(sample, p) for p in release)
    for env in ("release", "prod"):
        assert any(
            fnmatch.fnmatch(sample, p) for p in settings.environments[env].deployment_branches
        )
        assert not any(
            fnmatch.fnmatch("feature/x", p) for p in settings.environments[env].deployment_branches
        )
    assert (
        settings.environments["training"].deployment_branches
        == workflow("main.yml")["on"]["push"]["branches"]
    )


def test_required_checks_are_pr_job_names():
    settings = load_repo_settings(SETTINGS)
    names = {job.get("name", job_id) for job_id, job in workflow("pr.yml")["jobs"].items()}
    assert set(settings.branch_protection["main"].required_checks) <= names
