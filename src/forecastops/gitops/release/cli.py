"""``forecastops release params|validate|record|status``: one small handler per action
(``HANDLERS``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from forecastops import io
from forecastops.config.compose import dump
from forecastops.errors import ForecastopsError
from forecastops.gitops.github.status import post_release_status
from forecastops.gitops.registry.binding import compose_release
from forecastops.gitops.registry.settings import load_settings
from forecastops.gitops.release.record import commit_report, push_branch
from forecastops.gitops.release.validate import validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="release_command", required=True, metavar="ACTION")
    env = sub.add_parser("params", help="compose conf/ in the release env (registry.release_env)")
    env.add_argument("--conf", default="conf", help="config directory (default: conf)")
    env.add_argument("--params", default="params.yaml", help="reads the 'registry' section")
    env.add_argument(
        "--out", required=True, help="the release params file, e.g. .release/params.yaml"
    )

    gate = sub.add_parser("validate", help="release gate in the prod environment")
    gate.add_argument("--params", default="params.yaml")
    gate.add_argument("--metrics", default="reports/metrics.json")
    gate.add_argument("--data-validation", default="reports/data_validation.json")
    gate.add_argument("--models", default="models")
    prod = gate.add_mutually_exclusive_group()
    prod.add_argument("--prod-metrics", help="metrics.json of the prod model (file)")
    prod.add_argument("--prod-rev", help="git revision whose metrics.json is prod's")
    gate.add_argument("--out", default="reports/release_validation.json")

    rec = sub.add_parser("record", help="commit the validation report ([skip ci]) and push it")
    rec.add_argument("--report", default="reports/release_validation.json")
    rec.add_argument("--remote", default=None, help="default: registry.remote")
    rec.add_argument("--params", default="params.yaml", help="reads the 'registry' section")
    rec.add_argument("--push", action="store_true")

    status = sub.add_parser("status", help="set release.yml's commit status on HEAD (gh api)")
    status.add_argument("--report", default=None, help="default: registry.validation_report")
    status.add_argument("--params", default="params.yaml", help="reads the 'registry' section")


def _params(args: argparse.Namespace) -> None:
    settings = load_settings(args.params)
    io.write_text(args.out, dump(compose_release(args.conf, settings)))
    print(f"wrote {args.out} (env={settings.release_env})")


def _validate(args: argparse.Namespace) -> None:
    result = validate(
        args.params,
        args.metrics,
        args.data_validation,
        args.models,
        prod_metrics_file=args.prod_metrics,
        prod_rev=args.prod_rev,
    )
    io.write_json(args.out, result)
    print(f"wrote {args.out}")
    if not result["passed"]:
        lines = "\n  - ".join(result["failures"])
        raise ForecastopsError(f"release validation failed:\n  - {lines}")
    print(f"release validation passed ({result['env']} env)")


def _record(args: argparse.Namespace) -> None:
    commit_report(args.report)
    if args.push:
        push_branch(args.remote or load_settings(args.params).remote)


def _status(args: argparse.Namespace) -> None:
    settings = load_settings(args.params)
    posted = post_release_status(args.report or settings.validation_report, settings)
    print(f"set status {posted['context']}={posted['state']} on {posted['commit'][:10]}")


HANDLERS: dict[str, Callable[[argparse.Namespace], None]] = {
    "params": _params,
    "validate": _validate,
    "record": _record,
    "status": _status,
}


def run(args: argparse.Namespace) -> int:
    HANDLERS[args.release_command](args)
    return 0
