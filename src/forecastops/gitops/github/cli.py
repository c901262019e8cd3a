"""``forecastops repo-settings apply [--dry-run]``: the repository settings file, through gh api."""

from __future__ import annotations

import argparse

from forecastops.errors import ForecastopsError
from forecastops.gitops.github.apply import apply
from forecastops.gitops.github.runner import DryRun, Live
from forecastops.gitops.github.settings_file import load_repo_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    cmd = sub.add_parser("apply", help="apply the settings file (needs a repository admin's gh)")
    cmd.add_argument("--file", default=".github/repo-settings.yaml")
    cmd.add_argument(
        "--dry-run", action="store_true", help="print the gh api calls instead of making them"
    )


def run(args: argparse.Namespace) -> int:
    settings = load_repo_settings(args.file)
    runner = DryRun() if args.dry_run else Live()
    problems = apply(runner, settings)
    if args.dry_run:
        print(f"# dry run: nothing was changed ({args.file})")
        return 0
    if problems:
        raise ForecastopsError(f"{args.file}: applied, but " + "; ".join(problems))
    print(f"applied {args.file}")
    return 0
