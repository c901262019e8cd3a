"""Model registry over GTO (git tags): ``forecaster@vX.Y.Z`` versions, ``forecaster#prod#N`` stages.

``forecastops registry list|show|register|promote|rollback|which|check-ref``

* ``promote VERSION`` refuses a version whose commit does not carry a passing
  ``reports/release_validation.json`` (written by ``forecastops release validate`` and committed at
  the release commit) *about that commit*: the report's ``validated_commit`` must be the version's
  commit or an ancestor that differs from it only in the report itself (the ``release record``
  commit). Nothing is tagged then.
* The stage holder is computed here from the stage tags (``active_assignment``), not by GTO: tag
  time, then GTO's counter ``N`` for tags made in the same second; an unassignment tag
  (``forecaster#prod!#N``) withdraws that version. ``which``, ``check-ref``, ``rollback`` and
  ``release validate`` (prod metrics) all use it. Before tagging, tags are fetched from the remote
  so that the counter and the timestamp to wait past include everyone else's tags.
* ``rollback [--to VERSION]`` assigns the stage to the version that held it just before the current
  holder's *first* reign, walking back past versions unassigned from the stage and versions that were
  rolled back from (rollback tags say ``rollback from vX to vY``), so repeated rollbacks go further
  back instead of ping-ponging.
* ``which --stage prod`` prints ``<version> <commit>`` (``--json``/``--out`` for scripts;
  ``release validate`` reads prod's metrics at that commit for the regression check).
* ``check-ref REF`` (deploy.yml, ``make deploy-check``) accepts only the *active* stage-assignment
  tag of this artifact whose commit carries a passing release validation report, prints it as
  JSON and writes it to ``--out``; ``forecastops score --deployment <that file>`` then stamps the
  forecasts with that version (deploy scores the models ``dvc pull`` fetched at the tag's commit).

Tags are created with GTO's Python API and pushed with plain ``git push`` (``--push``). In CI a
token is taken from ``FORECASTOPS_PUSH_TOKEN`` and handed to git via ``GIT_CONFIG_*`` environment
variables, so it never lands in ``.git/config`` or on a command line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.errors import ForecastopsError

DEFAULTS: dict[str, Any] = {
    "artifact": "forecaster",
    "prod_stage": "prod",
    "remote": "origin",
    "validation_report": "reports/release_validation.json",
    "require_validation": True,
    "metrics": "reports/metrics.json",
}
SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
RELEASE_BRANCH = re.compile(r"^(?:refs/heads/)?release/v?(\d+)\.(\d+)$")
TOKEN_ENV = "FORECASTOPS_PUSH_TOKEN"
FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class Settings:
    artifact: str
    prod_stage: str
    remote: str
    validation_report: str
    require_validation: bool
    metrics: str


def load_settings(params_path: str | Path = "params.yaml") -> Settings:
    """``registry`` section of params.yaml merged over ``DEFAULTS`` (works without params.yaml)."""
    section: dict[str, Any] = {}
    if Path(params_path).is_file():
        from forecastops.config.load import load_params

        section = load_params(params_path).get("registry") or {}
    unknown = set(section) - set(DEFAULTS)
    if unknown:
        raise ForecastopsError(f"{params_path}: unknown keys in 'registry': {sorted(unknown)}")
    merged = {**DEFAULTS, **section}
    return Settings(**merged)


# ------------------------------------------------------------------------------------------ git
def git(*args: str, repo: str | Path = ".", check: bool = True, env: dict | None = None) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if check and out.returncode != 0:
        raise ForecastopsError(f"git {' '.join(args)} failed: {out.stderr.strip() or out.stdout}")
    return out.stdout.strip() if out.returncode == 0 else ""


def push_env() -> dict[str, str]:
    """Git config for an HTTPS token taken from the environment (GitHub App / fine-grained PAT)."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{server}/.extraheader",
        "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
    }


def push_tags(tags: list[str], remote: str, repo: str | Path = ".") -> None:
    for tag in tags:
        git("push", remote, f"refs/tags/{tag}", repo=repo, env=push_env())
        print(f"pushed {tag} to {remote}")


# ------------------------------------------------------------------------------------------ GTO
def _gto():
    from gto import api
    from gto.exceptions import GTOException

    return api, GTOException


def versions(repo: str | Path, artifact: str) -> list[dict[str, Any]]:
    """Registered versions (newest first): version, commit, ref, created_at, active stages."""
    api, gto_error = _gto()
    try:
        found = api.show(repo, artifact, registered_only=True)
    except gto_error as exc:
        if type(exc).__name__ == "ArtifactNotFound" or "not found" in str(exc).lower():
            return []
        raise ForecastopsError(f"GTO: {exc}") from exc
    out = []
    for v in found:
        out.append(
            {
                "version": v["version"],
                "commit": v["commit_hexsha"],
                "ref": v.get("ref"),
                "created_at": str(v.get("created_at")),
                "stages": sorted(
                    {s["stage"] for s in v.get("stages", []) if s.get("is_active", True)}
                ),
            }
        )
    return sorted(out, key=lambda v: _semver_key(v["version"]), reverse=True)


def _semver_key(version: str) -> tuple[int, ...]:
    m = SEMVER.match(version)
    return tuple(int(x) for x in m.groups()) if m else (-1, -1, -1)


def find_version(repo: str | Path, artifact: str, version: str) -> dict[str, Any]:
    version = version if version.startswith("v") else f"v{version}"
    for v in versions(repo, artifact):
        if v["version"] == version:
            return v
    raise ForecastopsError(
        f"{artifact}@{version} is not registered (see `forecastops registry list`)"
    )


_ROLLBACK_MSG = re.compile(r"\brollback from (v\d+\.\d+\.\d+) to (v\d+\.\d+\.\d+)\b")


def rollback_message(old: str, new: str, note: str | None = None) -> str:
    """Tag message of a rollback; ``stage_history`` parses it back (``rollback_from``)."""
    return f"rollback from {old} to {new}" + (f": {note}" if note else "")


def _order(event: dict[str, Any]) -> tuple[int, int]:
    """Tag time (1 s resolution), then GTO's counter N for tags made in the same second."""
    return event["ts"], event["n"]


def stage_history(repo: str | Path, artifact: str, stage: str) -> list[dict[str, Any]]:
    """Assignment/unassignment tags of ``stage``, newest first, from the git tags themselves.

    Order: tagger time, then GTO's tag counter (``forecaster#prod#N``) for ties in the same second.
    ``version`` is the registered version at the tag's commit (None: unregistered/deregistered);
    ``rollback_from``/``rollback_to`` come from a rollback's tag message.
    """
    fmt = "%(refname:strip=2)%09%(taggerdate:unix)%09%(*objectname)%09%(objectname)%09%(subject)"
    raw = git("for-each-ref", f"--format={fmt}", f"refs/tags/{artifact}#{stage}*", repo=repo)
    commit_to_version = {v["commit"]: v["version"] for v in versions(repo, artifact)}
    pat = re.compile(rf"^{re.escape(artifact)}#{re.escape(stage)}(!?)#(\d+)$")
    events = []
    for line in filter(None, raw.splitlines()):
        tag, ts, peeled, obj, subject = [*line.split("\t", 4), "", "", "", ""][:5]
        m = pat.match(tag)
        if not m:
            continue
        commit = peeled or obj
        rb = _ROLLBACK_MSG.search(subject)
        events.append(
            {
                "tag": tag,
                "unassign": m.group(1) == "!",
                "n": int(m.group(2)),
                "ts": int(ts or 0),
                "commit": commit,
                "version": commit_to_version.get(commit),
                "message": subject,
                "rollback_from": rb.group(1) if rb else None,
                "rollback_to": rb.group(2) if rb else None,
            }
        )
    events.sort(key=_order, reverse=True)
    return events


def _holder(latest: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Among versions whose latest event in the stage is an assignment, the latest assigned."""
    assigned = [e for e in latest.values() if not e["unassign"]]
    return max(assigned, key=_order) if assigned else None


def _replay(history: list[dict[str, Any]]) -> tuple[dict[str, dict], list[dict[str, Any]]]:
    """Replay the stage's events oldest first: (latest event per version, reigns oldest first).

    A reign is ``{"version", "tag", "start"}``: the stage holder from one change to the next.
    Same rules as GTO (an unassignment withdraws only that version; the holder is the most
    recently assigned version still assigned) but with a total, deterministic order.
    """
    latest: dict[str, dict[str, Any]] = {}
    reigns: list[dict[str, Any]] = []
    for e in sorted(history, key=_order):
        if e["version"] is None:  # not a registered version (deregistered, or never registered)
            continue
        latest[e["version"]] = e
        held = _holder(latest)
        version = held["version"] if held else None
        if not reigns or reigns[-1]["version"] != version:
            reigns.append({"version": version, "tag": held and held["tag"], "start": e})
    return latest, reigns


def active_assignment(
    repo: str | Path,
    artifact: str,
    stage: str,
    history: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """The version holding ``stage`` and the tag that assigned it (None when the stage is empty).

    The single source of truth for ``which``, ``check-ref``, ``rollback``, ``assign`` and the
    prod-metrics lookup of ``release validate``; GTO's own ordering breaks same-second ties by
    list order, so it is not used for this.
    """
    if history is None:
        history = stage_history(repo, artifact, stage)
    latest, _ = _replay(history)
    held = _holder(latest)
    if held is None:
        return None
    return {
        "artifact": artifact,
        "stage": stage,
        "version": held["version"],
        "commit": held["commit"],
        "tag": held["tag"],
    }


def which(repo: str | Path, artifact: str, stage: str) -> dict[str, Any] | None:
    """The version active in ``stage`` (None when the stage is empty): ``active_assignment``."""
    return active_assignment(repo, artifact, stage)


def rollback_target(history: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(current holder, version to roll back to) from the stage's events.

    The target is the version that held the stage just before the current holder's *first*
    reign, walking further back past versions whose latest event in the stage is an
    unassignment and versions rolled back from (and not assigned again since). None: no such
    version.
    """
    latest, reigns = _replay(history)
    held = _holder(latest)
    if held is None:
        return None, None
    current = held["version"]
    rolled_back_at: dict[str, tuple[int, int]] = {}
    assigned_at: dict[str, tuple[int, int]] = {}
    for e in history:
        if e["rollback_from"] and not e["unassign"]:
            key = rolled_back_at.get(e["rollback_from"], (-1, -1))
            rolled_back_at[e["rollback_from"]] = max(key, _order(e))
        if e["version"] and not e["unassign"]:
            assigned_at[e["version"]] = max(assigned_at.get(e["version"], (-1, -1)), _order(e))
    first = next(i for i, r in enumerate(reigns) if r["version"] == current)
    for reign in reversed(reigns[:first]):
        v = reign["version"]
        if v is None or v == current or latest[v]["unassign"]:
            continue
        if rolled_back_at.get(v, (-1, -1)) > assigned_at.get(v, (-1, -1)):
            continue
        return current, v
    return current, None


def validation_verdict(repo: str | Path, commit: str, settings: Settings) -> tuple[bool, str]:
    """(passed, reason) from the release validation report committed at ``commit``.

    The report must pass *and* be about this commit: its ``validated_commit`` is ``commit`` itself
    or an ancestor whose tree differs from ``commit``'s only in the report (the ``release record``
    commit adds just the report). A later commit still carrying an old passing report is refused.
    """
    path = settings.validation_report
    report = io.json_at_rev(commit, path, repo)
    if report is None:
        return False, (
            f"no {path} at commit {commit[:10]}: run "
            "`forecastops release validate` on the release branch and commit its report"
        )
    if report.get("passed") is not True:
        failures = report.get("failures") or ["report says passed=false"]
        return False, "release validation failed: " + "; ".join(str(f) for f in failures)
    validated = report.get("validated_commit")
    if not isinstance(validated, str) or not FULL_SHA.match(validated):
        return False, (
            f"{path} at {commit[:10]} names no validated_commit (a full commit hash): cannot tell "
            "which commit passed validation (re-run `forecastops release validate` and "
            "`release record`)"
        )
    full = git(
        "rev-parse", "--verify", "--quiet", f"{validated}^{{commit}}", repo=repo, check=False
    )
    if not full:
        return False, (
            f"{path} at {commit[:10]} validated commit {validated[:10]}, which is not in this "
            "repository (fetch the full history, e.g. fetch-depth: 0)"
        )
    if full != commit and not _is_ancestor(repo, full, commit):
        return False, (
            f"{path} at {commit[:10]} validated commit {full[:10]}, which is not an ancestor of "
            f"{commit[:10]}: the report is about another line of history"
        )
    changed = git("diff", "--name-only", "--no-renames", full, commit, "--", repo=repo).split("\n")
    changed = sorted({c for c in changed if c} - {Path(path).as_posix()})
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" (+{len(changed) - 5} more)" if len(changed) > 5 else ""
        )
        return False, (
            f"{path} at {commit[:10]} validated commit {full[:10]}, but {len(changed)} file(s) "
            f"changed since: {shown}; the report is stale (validate and record this commit)"
        )
    return True, f"release validation passed (validated commit {full[:10]})"


def _is_ancestor(repo: str | Path, ancestor: str, commit: str) -> bool:
    out = subprocess.run(
        ["git", "merge-base", "--is-ancestor", ancestor, commit],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode not in (0, 1):
        raise ForecastopsError(f"git merge-base --is-ancestor failed: {out.stderr.strip()}")
    return out.returncode == 0


def fetch_tags(repo: str | Path, remote: str) -> bool:
    """``git fetch --tags`` from ``remote`` when it exists, so the next counter N and the time to
    wait past include tags made elsewhere (another release run). Offline: warn, go on."""
    if remote not in git("remote", repo=repo, check=False).split():
        return False
    out = subprocess.run(
        ["git", "fetch", "--quiet", "--tags", remote],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **push_env()},
    )
    if out.returncode != 0:
        print(
            f"warning: could not fetch tags from {remote} ({out.stderr.strip()}); "
            "deciding from local tags",
            file=sys.stderr,
        )
        return False
    return True


def _wait_past(ts: int) -> None:
    """GTO orders assignments by tag time (1 s resolution): make a new tag strictly later."""
    while int(time.time()) <= ts:
        time.sleep(0.05)


def assign(
    repo: str | Path,
    settings: Settings,
    version: str,
    stage: str,
    *,
    message: str | None = None,
    push: bool = False,
    check_validation: bool = True,
) -> str | None:
    """Assign ``stage`` to ``version``; returns the created tag (None when already active)."""
    v = find_version(repo, settings.artifact, version)
    if check_validation and settings.require_validation:
        ok, reason = validation_verdict(repo, v["commit"], settings)
        if not ok:
            raise ForecastopsError(
                f"refusing to assign {stage} to {settings.artifact}@{v['version']}: {reason}"
            )
    # everyone's tags: GTO's next counter N and the timestamp to wait past depend on them
    fetch_tags(repo, settings.remote)
    history = stage_history(repo, settings.artifact, stage)
    current = active_assignment(repo, settings.artifact, stage, history)
    if current and current["version"] == v["version"]:
        print(f"{settings.artifact}@{v['version']} is already in {stage} ({current['tag']})")
        return None
    if history:
        _wait_past(max(e["ts"] for e in history))
    before = set(git("tag", "--list", f"{settings.artifact}#{stage}#*", repo=repo).split())
    api, gto_error = _gto()
    try:
        api.assign(
            repo,
            settings.artifact,
            stage,
            version=v["version"],
            message=message,
            force=any(e["version"] == v["version"] for e in history),
            simple=False,
        )
    except gto_error as exc:
        raise ForecastopsError(f"GTO: {exc}") from exc
    after = set(git("tag", "--list", f"{settings.artifact}#{stage}#*", repo=repo).split())
    created = sorted(after - before)
    if len(created) != 1:
        raise ForecastopsError(f"expected one new {stage} tag, found {created}")
    tag = created[0]
    now = active_assignment(repo, settings.artifact, stage)
    if now is None or now["tag"] != tag:
        git("tag", "-d", tag, repo=repo, check=False)
        raise ForecastopsError(
            f"{tag} would not be the active {stage} assignment ({(now or {}).get('tag')} is): "
            "deleted it, nothing pushed"
        )
    print(f"assigned {stage} to {settings.artifact}@{v['version']} ({v['commit'][:10]}): {tag}")
    if push:
        push_tags([tag], settings.remote, repo)
    return tag


def next_version(repo: str | Path, artifact: str, release_branch: str) -> str:
    m = RELEASE_BRANCH.match(release_branch)
    if not m:
        raise ForecastopsError(
            f"'{release_branch}' is not a release branch: expected release/X.Y (e.g. release/1.2)"
        )
    major, minor = int(m.group(1)), int(m.group(2))
    patches = [
        _semver_key(v["version"])[2]
        for v in versions(repo, artifact)
        if _semver_key(v["version"])[:2] == (major, minor)
    ]
    return f"v{major}.{minor}.{max(patches) + 1 if patches else 0}"


def register(
    repo: str | Path,
    settings: Settings,
    *,
    ref: str = "HEAD",
    version: str | None = None,
    release_branch: str | None = None,
    message: str | None = None,
    push: bool = False,
) -> str:
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}", repo=repo)
    for v in versions(repo, settings.artifact):
        if v["commit"] == commit:
            print(f"{commit[:10]} is already registered as {settings.artifact}@{v['version']}")
            return v["version"]
    existing = versions(repo, settings.artifact)
    if version is None and release_branch:
        version = next_version(repo, settings.artifact, release_branch)
    elif version is None and not existing:
        version = "v0.1.0"  # GTO cannot bump without a previous version
    if version is not None:
        version = version if version.startswith("v") else f"v{version}"
        if not SEMVER.match(version):
            raise ForecastopsError(f"version '{version}' is not SemVer vX.Y.Z")
    api, gto_error = _gto()
    try:
        api.register(
            repo,
            settings.artifact,
            commit,
            version=version,
            message=message,
            bump_patch=version is None,
        )
    except gto_error as exc:
        raise ForecastopsError(f"GTO: {exc}") from exc
    got = next(v["version"] for v in versions(repo, settings.artifact) if v["commit"] == commit)
    tag = f"{settings.artifact}@{got}"
    print(f"registered {tag} at {commit[:10]}")
    if push:
        push_tags([tag], settings.remote, repo)
    return got


def check_ref(repo: str | Path, settings: Settings, ref: str, stage: str) -> dict[str, Any]:
    """The stage assignment a pushed tag makes; error unless it is the active ``stage`` tag and
    (``require_validation``) the version's commit carries a passing release validation report."""
    tag = ref.removeprefix("refs/tags/")
    pat = re.compile(rf"^{re.escape(settings.artifact)}#{re.escape(stage)}#\d+$")
    if not pat.match(tag):
        raise ForecastopsError(
            f"'{ref}' does not assign stage '{stage}' of '{settings.artifact}' "
            f"(expected a tag like {settings.artifact}#{stage}#N)"
        )
    history = stage_history(repo, settings.artifact, stage)
    event = next((e for e in history if e["tag"] == tag), None)
    if event is None:
        raise ForecastopsError(f"tag {tag} not found in {repo} (fetch tags, e.g. fetch-depth: 0)")
    if event["version"] is None:
        raise ForecastopsError(
            f"{tag} points at {event['commit'][:10]}, where no version of "
            f"{settings.artifact} is registered"
        )
    info = {
        "artifact": settings.artifact,
        "stage": stage,
        "version": event["version"],
        "commit": event["commit"],
        "tag": tag,
    }
    active = active_assignment(repo, settings.artifact, stage, history)
    if active is None or active["tag"] != tag:
        raise ForecastopsError(
            f"{tag} is superseded: {stage} is now held by "
            f"{(active or {}).get('tag')}; not deploying an outdated assignment"
        )
    # a tag pushed by hand (not via `promote`) must not bypass the release gate
    if settings.require_validation:
        ok, reason = validation_verdict(repo, info["commit"], settings)
        if not ok:
            raise ForecastopsError(
                f"refusing to deploy {tag} ({settings.artifact}@{info['version']}): {reason}"
            )
    return info


# ------------------------------------------------------------------------------------------- CLI
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml", help="reads the 'registry' section")
    parser.add_argument("--repo", default=".", help="git repository (default: .)")
    sub = parser.add_subparsers(dest="registry_command", required=True, metavar="ACTION")

    ls = sub.add_parser("list", help="registered versions and their stages")
    ls.add_argument("--json", action="store_true")

    sh = sub.add_parser("show", help="one version: commit, stages, release validation verdict")
    sh.add_argument("version")
    sh.add_argument("--json", action="store_true")

    rg = sub.add_parser("register", help="register a version at a commit (git tag)")
    rg.add_argument("--ref", default="HEAD")
    grp = rg.add_mutually_exclusive_group()
    grp.add_argument("--version", help="explicit vX.Y.Z")
    grp.add_argument(
        "--release-branch",
        default=None,
        help="derive vX.Y.<next patch> from release/X.Y (default in CI: $GITHUB_REF_NAME)",
    )
    rg.add_argument("--message", "-m")
    rg.add_argument("--push", action="store_true", help="push the tag to the remote")

    pr = sub.add_parser("promote", help="assign a stage (default prod) to a validated version")
    pr.add_argument("version", nargs="?", help="vX.Y.Z (default: the version registered at HEAD)")
    pr.add_argument("--stage")
    pr.add_argument("--message", "-m")
    pr.add_argument("--push", action="store_true")

    rb = sub.add_parser("rollback", help="assign the stage back to the previous (or given) version")
    rb.add_argument(
        "--to",
        dest="version",
        help="version to roll back to (default: the holder before the current one's first reign, "
        "skipping unassigned and rolled-back-from versions)",
    )
    rb.add_argument("--stage")
    rb.add_argument("--message", "-m")
    rb.add_argument("--push", action="store_true")

    wh = sub.add_parser("which", help="version and commit currently holding a stage")
    wh.add_argument("--stage")
    wh.add_argument("--json", action="store_true")
    wh.add_argument("--out", help="also write the JSON here")

    cr = sub.add_parser("check-ref", help="validate a pushed stage tag (deploy.yml)")
    cr.add_argument("ref", nargs="?", help="tag or refs/tags/... (default: $GITHUB_REF)")
    cr.add_argument("--stage")
    cr.add_argument("--out", help="write the JSON here (e.g. reports/deployment.json)")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.params)
    repo, cmd = args.repo, args.registry_command
    stage = getattr(args, "stage", None) or settings.prod_stage

    if cmd == "list":
        rows = versions(repo, settings.artifact)
        for r in rows:
            ok, reason = validation_verdict(repo, r["commit"], settings)
            r["validated"] = ok
            r["validation"] = reason
        if args.json:
            print(json.dumps(rows, indent=2))
        elif not rows:
            print(f"no versions of {settings.artifact} registered")
        else:
            for r in rows:
                print(
                    f"{settings.artifact}@{r['version']}\t{r['commit'][:10]}\t"
                    f"{','.join(r['stages']) or '-'}\t{'validated' if r['validated'] else '-'}"
                )
        return 0

    if cmd == "show":
        v = find_version(repo, settings.artifact, args.version)
        ok, reason = validation_verdict(repo, v["commit"], settings)
        metrics = io.json_at_rev(v["commit"], settings.metrics, repo) or {}
        info = {
            **v,
            "artifact": settings.artifact,
            "validated": ok,
            "validation": reason,
            "overall": metrics.get("overall"),
        }
        if args.json:
            print(json.dumps(info, indent=2))
        else:
            for k, val in info.items():
                print(f"{k}: {val}")
        return 0

    if cmd == "register":
        branch = args.release_branch
        if args.version is None and branch is None:
            ref_name = os.environ.get("GITHUB_REF_NAME", "")
            branch = ref_name if RELEASE_BRANCH.match(ref_name) else None
        register(
            repo,
            settings,
            ref=args.ref,
            version=args.version,
            release_branch=branch,
            message=args.message,
            push=args.push,
        )
        return 0

    if cmd == "promote":
        version = args.version
        if version is None:
            head = git("rev-parse", "HEAD", repo=repo)
            match = [v for v in versions(repo, settings.artifact) if v["commit"] == head]
            if not match:
                raise ForecastopsError(
                    "HEAD is not a registered version: run `forecastops registry register` first"
                )
            version = match[0]["version"]
        assign(repo, settings, version, stage, message=args.message, push=args.push)
        return 0

    if cmd == "rollback":
        fetch_tags(repo, settings.remote)
        history = stage_history(repo, settings.artifact, stage)
        current = active_assignment(repo, settings.artifact, stage, history)
        if current is None:
            raise ForecastopsError(f"stage '{stage}' is empty: nothing to roll back")
        target = args.version
        if target is None:
            _, target = rollback_target(history)
            if target is None:
                raise ForecastopsError(
                    f"no earlier version to roll '{stage}' back to from {current['version']} "
                    "(versions unassigned from the stage or rolled back from are skipped); "
                    "name one with --to"
                )
        target = target if target.startswith("v") else f"v{target}"
        msg = rollback_message(current["version"], target, args.message)
        assign(repo, settings, target, stage, message=msg, push=args.push)
        return 0

    if cmd == "which":
        info = which(repo, settings.artifact, stage)
        if info is None:
            raise ForecastopsError(f"no version of {settings.artifact} is in stage '{stage}'")
        if args.out:
            io.write_json(args.out, info)
        print(json.dumps(info, indent=2) if args.json else f"{info['version']} {info['commit']}")
        return 0

    if cmd == "check-ref":
        ref = args.ref or os.environ.get("GITHUB_REF", "")
        if not ref:
            raise ForecastopsError("no ref given and $GITHUB_REF is not set")
        info = check_ref(repo, settings, ref, stage)
        if args.out:
            io.write_json(args.out, info)
        print(json.dumps(info, indent=2))
        return 0

    raise ForecastopsError(f"unknown registry action {cmd}")
