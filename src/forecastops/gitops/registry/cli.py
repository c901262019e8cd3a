"""``forecastops registry ACTION``: one small handler per action (``HANDLERS``)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable

from forecastops import io
from forecastops.config.sections.registry import RegistryConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.assign import assign, register, rollback
from forecastops.gitops.registry.check_ref import check_ref
from forecastops.gitops.registry.git import git
from forecastops.gitops.registry.holder import active_assignment, stages_held
from forecastops.gitops.registry.settings import load_settings
from forecastops.gitops.registry.tags import registered_versions, version_at_commit
from forecastops.gitops.registry.verdict import validation_verdict
from forecastops.gitops.registry.versions import find_version, release_line
from forecastops.gitops.revisions import json_at_revision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml", help="reads the 'registry' section")
    parser.add_argument("--repo", default=".", help="git repository (default: .)")
    sub = parser.add_subparsers(dest="registry_command", required=True, metavar="ACTION")

    sub.add_parser("list", help="registered versions and their stages").add_argument(
        "--json", action="store_true"
    )
    show = sub.add_parser("show", help="one version: commit, stages, release validation verdict")
    show.add_argument("version")
    show.add_argument("--json", action="store_true")

    reg = sub.add_parser("register", help="register a version at a commit (git tag)")
    reg.add_argument("--ref", default="HEAD")
    named = reg.add_mutually_exclusive_group()
    named.add_argument("--version", help="explicit vX.Y.Z")
    named.add_argument(
        "--release-branch",
        default=None,
        help="derive vX.Y.<next patch> from release/X.Y (default in CI: $GITHUB_REF_NAME)",
    )
    _tagging_flags(reg, stage=False)

    promote = sub.add_parser("promote", help="assign a stage (default prod) to a validated version")
    promote.add_argument("version", nargs="?", help="vX.Y.Z (default: the version at HEAD)")
    _tagging_flags(promote)

    back = sub.add_parser("rollback", help="assign the stage back to the previous (or given) one")
    back.add_argument(
        "--to",
        dest="version",
        help="version to roll back to (default: the holder before the current one's first reign, "
        "skipping unassigned and rolled-back-from versions)",
    )
    _tagging_flags(back)

    which = sub.add_parser("which", help="version and commit currently holding a stage")
    which.add_argument("--stage")
    which.add_argument("--json", action="store_true")
    which.add_argument("--out", help="also write the JSON here")

    ref = sub.add_parser("check-ref", help="validate a pushed stage tag (deploy.yml)")
    ref.add_argument("ref", nargs="?", help="tag or refs/tags/... (default: $GITHUB_REF)")
    ref.add_argument("--stage")
    ref.add_argument("--out", help="write the JSON here (e.g. reports/deployment.json)")


def _tagging_flags(parser: argparse.ArgumentParser, stage: bool = True) -> None:
    if stage:
        parser.add_argument("--stage", help="default: registry.prod_stage")
    parser.add_argument("--message", "-m")
    parser.add_argument("--push", action="store_true", help="push the tag to the remote")


def _list(args: argparse.Namespace, settings: RegistryConfig) -> None:
    rows = registered_versions(args.repo, settings.artifact)
    held = stages_held(args.repo, settings.artifact)
    for row in rows:
        row["stages"] = held.get(row["version"], [])
        row["validated"], row["validation"] = validation_verdict(args.repo, row["commit"], settings)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        print(f"no versions of {settings.artifact} registered")
    for row in rows:
        stages, validated = ",".join(row["stages"]) or "-", "validated" if row["validated"] else "-"
        print(f"{settings.artifact}@{row['version']}\t{row['commit'][:10]}\t{stages}\t{validated}")


def _show(args: argparse.Namespace, settings: RegistryConfig) -> None:
    version = find_version(args.repo, settings.artifact, args.version)
    ok, reason = validation_verdict(args.repo, version["commit"], settings)
    metrics = json_at_revision(version["commit"], settings.metrics, args.repo) or {}
    info = {
        **version,
        "artifact": settings.artifact,
        "stages": stages_held(args.repo, settings.artifact).get(version["version"], []),
        "validated": ok,
        "validation": reason,
        "overall": metrics.get("overall"),
    }
    print(
        json.dumps(info, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in info.items())
    )


def _register(args: argparse.Namespace, settings: RegistryConfig) -> None:
    branch = args.release_branch
    if args.version is None and branch is None:  # in a release.yml run: the pushed release/X.Y
        ref_name = os.environ.get("GITHUB_REF_NAME", "")
        branch = ref_name if release_line(ref_name) else None
    register(
        args.repo,
        settings,
        ref=args.ref,
        version=args.version,
        release_branch=branch,
        message=args.message,
        push=args.push,
    )


def _promote(args: argparse.Namespace, settings: RegistryConfig) -> None:
    version = args.version
    if version is None:
        head = git("rev-parse", "HEAD", repo=args.repo)
        at_head = version_at_commit(args.repo, settings.artifact, head)
        if at_head is None:
            raise ForecastopsError(
                "HEAD is not a registered version: run `forecastops registry register` first"
            )
        version = at_head["version"]
    stage = args.stage or settings.prod_stage
    assign(args.repo, settings, version, stage, message=args.message, push=args.push)


def _rollback(args: argparse.Namespace, settings: RegistryConfig) -> None:
    stage = args.stage or settings.prod_stage
    rollback(args.repo, settings, stage, to=args.version, note=args.message, push=args.push)


def _which(args: argparse.Namespace, settings: RegistryConfig) -> None:
    stage = args.stage or settings.prod_stage
    info = active_assignment(args.repo, settings.artifact, stage)
    if info is None:
        raise ForecastopsError(f"no version of {settings.artifact} is in stage '{stage}'")
    if args.out:
        io.write_json(args.out, info)
    print(json.dumps(info, indent=2) if args.json else f"{info['version']} {info['commit']}")


def _check_ref(args: argparse.Namespace, settings: RegistryConfig) -> None:
    ref = args.ref or os.environ.get("GITHUB_REF", "")
    if not ref:
        raise ForecastopsError("no ref given and $GITHUB_REF is not set")
    info = check_ref(args.repo, settings, ref, args.stage or settings.prod_stage)
    if args.out:
        io.write_json(args.out, info)
    print(json.dumps(info, indent=2))


HANDLERS: dict[str, Callable[[argparse.Namespace, RegistryConfig], None]] = {
    "list": _list,
    "show": _show,
    "register": _register,
    "promote": _promote,
    "rollback": _rollback,
    "which": _which,
    "check-ref": _check_ref,
}


def run(args: argparse.Namespace) -> int:
    HANDLERS[args.registry_command](args, load_settings(args.params))
    return 0
