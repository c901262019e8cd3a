"""Model registry over GTO (git tags): ``forecaster@vX.Y.Z`` versions, ``forecaster#prod#N`` stages.

``forecastops registry list|show|register|promote|rollback|which|check-ref``

* ``promote VERSION`` refuses a version whose commit does not carry a passing
  ``reports/release_validation.json`` (written by ``forecastops release validate`` and committed at
  the release commit); nothing is tagged then.
* ``rollback [--to VERSION]`` assigns the stage to the version that held it before the current one.
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
        from forecastops.config import load_params

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


def stage_history(repo: str | Path, artifact: str, stage: str) -> list[dict[str, Any]]:
    """Assignment/unassignment tags of ``stage``, newest first, from the git tags themselves.

    Order: tagger time, then GTO's tag counter (``forecaster#prod#N``) for ties in the same second.
    """
    fmt = "%(refname:strip=2)\t%(taggerdate:unix)\t%(*objectname)\t%(objectname)"
    raw = git("for-each-ref", f"--format={fmt}", f"refs/tags/{artifact}#{stage}*", repo=repo)
    commit_to_version = {v["commit"]: v["version"] for v in versions(repo, artifact)}
    pat = re.compile(rf"^{re.escape(artifact)}#{re.escape(stage)}(!?)#(\d+)$")
    events = []
    for line in filter(None, raw.splitlines()):
        tag, ts, peeled, obj = [*line.split("\t"), "", "", ""][:4]
        m = pat.match(tag)
        if not m:
            continue
        commit = peeled or obj
        events.append(
            {
                "tag": tag,
                "unassign": m.group(1) == "!",
                "n": int(m.group(2)),
                "ts": int(ts or 0),
                "commit": commit,
                "version": commit_to_version.get(commit),
            }
        )
    events.sort(key=lambda e: (e["ts"], e["n"]), reverse=True)
    return events


def which(repo: str | Path, artifact: str, stage: str) -> dict[str, Any] | None:
    """The version GTO considers active in ``stage`` (None when the stage is empty)."""
    api, gto_error = _gto()
    try:
        found = api.show(repo, f"{artifact}#{stage}", versions_per_stage=1)
    except gto_error as exc:
        if type(exc).__name__ == "ArtifactNotFound" or "not found" in str(exc).lower():
            return None
        raise ForecastopsError(f"GTO: {exc}") from exc
    if not found:
        return None
    v = found[0]
    active = [s for s in v.get("stages", []) if s["stage"] == stage]
    return {
        "artifact": artifact,
        "stage": stage,
        "version": v["version"],
        "commit": v["commit_hexsha"],
        "tag": active[0].get("ref") if active else None,
    }


def validation_verdict(repo: str | Path, commit: str, settings: Settings) -> tuple[bool, str]:
    """(passed, reason) from the release validation report committed at ``commit``."""
    report = io.json_at_rev(commit, settings.validation_report, repo)
    if report is None:
        return False, (
            f"no {settings.validation_report} at commit {commit[:10]}: run "
            "`forecastops release validate` on the release branch and commit its report"
        )
    if report.get("passed") is True:
        return True, "release validation passed"
    failures = report.get("failures") or ["report says passed=false"]
    return False, "release validation failed: " + "; ".join(str(f) for f in failures)


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
    current = which(repo, settings.artifact, stage)
    if current and current["version"] == v["version"]:
        print(f"{settings.artifact}@{v['version']} is already in {stage} ({current['tag']})")
        return None
    history = stage_history(repo, settings.artifact, stage)
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
    api, gto_error = _gto()
    try:
        events = api.check_ref(repo, ref)
    except gto_error as exc:
        raise ForecastopsError(f"GTO: {exc}") from exc
    for e in events:
        d = e.model_dump() if hasattr(e, "model_dump") else e.dict()
        if (
            type(e).__name__ == "Assignment"
            and d.get("artifact") == settings.artifact
            and d.get("stage") == stage
        ):
            info = {
                "artifact": settings.artifact,
                "stage": stage,
                "version": d["version"],
                "commit": d["commit_hexsha"],
                "tag": d.get("tag"),
            }
            active = which(repo, settings.artifact, stage)
            if active is None or active["tag"] != info["tag"]:
                raise ForecastopsError(
                    f"{info['tag']} is superseded: {stage} is now held by "
                    f"{(active or {}).get('tag')}; not deploying an outdated assignment"
                )
            # a tag pushed by hand (not via `promote`) must not bypass the release gate
            if settings.require_validation:
                ok, reason = validation_verdict(repo, info["commit"], settings)
                if not ok:
                    raise ForecastopsError(
                        f"refusing to deploy {info['tag']} ({settings.artifact}@"
                        f"{info['version']}): {reason}"
                    )
            return info
    raise ForecastopsError(
        f"'{ref}' does not assign stage '{stage}' of '{settings.artifact}' "
        f"(expected a tag like {settings.artifact}#{stage}#N)"
    )


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
    rb.add_argument("--to", dest="version", help="version to roll back to")
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
        current = which(repo, settings.artifact, stage)
        if current is None:
            raise ForecastopsError(f"stage '{stage}' is empty: nothing to roll back")
        target = args.version
        if target is None:
            for e in stage_history(repo, settings.artifact, stage):
                if not e["unassign"] and e["version"] and e["version"] != current["version"]:
                    target = e["version"]
                    break
            if target is None:
                raise ForecastopsError(
                    f"no earlier version held '{stage}' before {current['version']}; "
                    "name one with --to"
                )
        msg = args.message or f"rollback {stage}: {current['version']} -> {target}"
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
