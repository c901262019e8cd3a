"""Apply ``.github/repo-settings.yaml`` with ``gh api`` (idempotent: PUTs, or a lookup first).

Order: Actions defaults, branch protection, rulesets, environments and their deployment
policies, then the secret checks (names only: values never pass through here). Returns the
problems found (a missing environment secret, a secret that must not be repository-wide).
"""

from __future__ import annotations

from forecastops.gitops.github.runner import Runner
from forecastops.gitops.github.settings_file import (
    Actor,
    BranchProtection,
    Environment,
    RepoSettings,
    Ruleset,
)

BASE = "repos/{owner}/{repo}"  # gh fills {owner}/{repo} (GH_REPO, else the git remote)
LOOKUP = {"team": "orgs/{{owner}}/teams/{}", "user": "users/{}", "app": "apps/{}"}
REVIEWER_TYPE = {"team": "Team", "user": "User"}
BYPASS_TYPE = {"team": "Team", "app": "Integration"}


def actor_id(run: Runner, actor: Actor) -> int | str:
    """The numeric id GitHub's settings take (a placeholder in a dry run)."""
    found = run.read(
        LOOKUP[actor.kind].format(actor.name), ".id", f"<id of {actor.kind} {actor.name}>"
    )
    return int(found) if found.isdigit() else found


def actions_defaults(run: Runner, settings: RepoSettings) -> None:
    actions = settings.actions
    run.write(
        "PUT",
        f"{BASE}/actions/permissions/workflow",
        {
            "default_workflow_permissions": actions.default_workflow_permissions,
            "can_approve_pull_request_reviews": actions.can_approve_pull_request_reviews,
        },
    )
    if actions.fork_pr_approval:
        run.write(
            "PUT",
            f"{BASE}/actions/permissions/fork-pr-contributor-approval",
            {"approval_policy": actions.fork_pr_approval},
        )


def protect_branch(run: Runner, branch: str, rule: BranchProtection) -> None:
    body = {
        "required_status_checks": {
            "strict": rule.strict,
            "checks": [{"context": name} for name in rule.required_checks],
        },
        "enforce_admins": rule.enforce_admins,
        "required_pull_request_reviews": {
            "required_approving_review_count": rule.required_approving_reviews,
            "dismiss_stale_reviews": rule.dismiss_stale_reviews,
        },
        "restrictions": None,
        "allow_force_pushes": rule.allow_force_pushes,
        "allow_deletions": rule.allow_deletions,
    }
    run.write("PUT", f"{BASE}/branches/{branch}/protection", body)


def apply_ruleset(run: Runner, ruleset: Ruleset) -> None:
    """Update the ruleset of that name, or create it."""
    bypass = [
        {"actor_id": actor_id(run, a), "actor_type": BYPASS_TYPE[a.kind], "bypass_mode": "always"}
        for a in ruleset.bypass
    ]
    body = {
        "name": ruleset.name,
        "target": ruleset.target,
        "enforcement": ruleset.enforcement,
        "conditions": {"ref_name": {"include": ruleset.include, "exclude": []}},
        "rules": [{"type": rule} for rule in ruleset.rules],
        "bypass_actors": bypass,
    }
    found = run.read(
        f"{BASE}/rulesets",
        f'.[] | select(.name == "{ruleset.name}") | .id',
        f"<id of ruleset {ruleset.name}>",
    )
    create = f"POST {BASE}/rulesets instead when no ruleset is named {ruleset.name}"
    if found:
        run.write("PUT", f"{BASE}/rulesets/{found}", body, note=create)
    else:
        run.write("POST", f"{BASE}/rulesets", body)


def apply_environment(run: Runner, name: str, env: Environment) -> None:
    reviewers = [{"type": REVIEWER_TYPE[a.kind], "id": actor_id(run, a)} for a in env.reviewers]
    custom = bool(env.deployment_branches or env.deployment_tags)
    body = {
        "reviewers": reviewers,
        "prevent_self_review": env.prevent_self_review,
        "deployment_branch_policy": (
            {"protected_branches": False, "custom_branch_policies": True} if custom else None
        ),
    }
    run.write("PUT", f"{BASE}/environments/{name}", body)
    if custom:
        sync_deployment_policies(run, name, env)


def sync_deployment_policies(run: Runner, name: str, env: Environment) -> None:
    """Exactly the file's branch and tag patterns: missing ones added, any other deleted."""
    endpoint = f"{BASE}/environments/{name}/deployment-branch-policies"
    listed = run.read(endpoint, '.branch_policies[] | "\\(.id) \\(.type) \\(.name)"')
    have = {
        (kind, pattern): pid
        for pid, kind, pattern in (ln.split(" ", 2) for ln in listed.splitlines())
    }
    want = {("branch", p) for p in env.deployment_branches} | {
        ("tag", p) for p in env.deployment_tags
    }
    note = "each pattern the read above does not list; listed ones not in the file are deleted"
    for i, (kind, pattern) in enumerate(sorted(want - have.keys())):
        run.write("POST", endpoint, {"name": pattern, "type": kind}, note="" if i else note)
    for key in sorted(have.keys() - want):
        run.write("DELETE", f"{endpoint}/{have[key]}", note=f"not in the file: {key[0]} {key[1]}")


def secret_problems(run: Runner, settings: RepoSettings) -> list[str]:
    """Environment secrets the file names that are missing, and secrets that must not be
    repository-wide (every job could read those) but are."""
    problems = []
    for name, env in settings.environments.items():
        endpoint = f"{BASE}/environments/{name}/secrets"
        held = run.read(endpoint, ".secrets[].name", " ".join(env.secrets)).split()
        missing = [s for s in env.secrets if s not in held]
        if missing:
            problems.append(f"environment {name} lacks secrets: {', '.join(missing)}")
    held = run.read(f"{BASE}/actions/secrets", ".secrets[].name").split()
    shared = [s for s in settings.forbid_repository_secrets if s in held]
    if shared:
        problems.append(
            f"repository-wide secrets that belong in an environment: {', '.join(shared)} "
            "(delete them: gh secret delete NAME)"
        )
    return problems


def apply(run: Runner, settings: RepoSettings) -> list[str]:
    """Every setting in the file, in order; the problems the secret checks found."""
    actions_defaults(run, settings)
    for branch, rule in settings.branch_protection.items():
        protect_branch(run, branch, rule)
    for ruleset in settings.rulesets:
        apply_ruleset(run, ruleset)
    for name, env in settings.environments.items():
        apply_environment(run, name, env)
    return secret_problems(run, settings)
