"""``forecastops report``: ``diff`` (metrics between two revisions, the main-branch commit comment)
and ``pr`` (the pull-request comment: smoke metrics vs the base branch)."""

from __future__ import annotations

import argparse
import os

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.report.diff import diff_metrics
from forecastops.gitops.report.markdown import WATERMARK
from forecastops.gitops.report.metrics_md import build_diff_markdown
from forecastops.gitops.report.plots import plot_links
from forecastops.gitops.report.pr_comment import build_pr_markdown
from forecastops.gitops.report.sources import WORKSPACE, load_metrics, revision_label


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="REPORT")

    d = sub.add_parser("diff", help="metric diff between two revisions (markdown)")
    d.add_argument("--base", required=True, help="git revision of the base metrics")
    d.add_argument("--head", default=WORKSPACE, help="git revision or 'workspace' (default)")
    d.add_argument("--metrics", default="reports/metrics.json", help="metrics file path")
    d.add_argument("--params", default="params.yaml", help="pass/fail gate from evaluate.*")
    d.add_argument("--title", default="Metrics diff")
    d.add_argument("--out", help="write the markdown here (default: stdout)")

    p = sub.add_parser("pr", help="the pull-request comment (smoke metrics vs the base branch)")
    p.add_argument("--base", required=True, help="git revision of the base branch")
    p.add_argument(
        "--metrics",
        default="reports/smoke/metrics.json",
        help="smoke metrics path: read at --base from git (default: reports/smoke/metrics.json)",
    )
    p.add_argument(
        "--head-metrics",
        default=None,
        help="this run's smoke metrics file (default: the --metrics path in the working tree)",
    )
    p.add_argument("--validation", default="reports/smoke/data_validation.json")
    p.add_argument("--plots-dir", default="reports/smoke/plots")
    p.add_argument("--params", default="params.yaml", help="pass/fail gate from evaluate.*")
    p.add_argument("--out", default="reports/pr_comment.md")


def emit(text: str, out: str | None) -> None:
    if out:
        io.write_text(out, text)
        print(f"wrote {out}")
    else:
        print(text, end="")


def workflow_run_url() -> str | None:
    """The GitHub Actions run this comment comes from, when running in Actions."""
    server = os.environ.get("GITHUB_SERVER_URL")
    repo, run_id = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_RUN_ID")
    return f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None


def report_diff(args: argparse.Namespace, evaluate: EvaluateConfig) -> str:
    base = load_metrics(args.base, args.metrics)
    head = load_metrics(args.head, args.metrics)
    if head is None:
        where = args.metrics if args.head == WORKSPACE else f"{args.head}:{args.metrics}"
        raise ForecastopsError(f"{where}: no metrics to report (run the pipeline first)")
    return build_diff_markdown(
        base,
        head,
        evaluate=evaluate,
        base_label=revision_label(args.base),
        head_label=revision_label(args.head),
        title=args.title,
        watermark=WATERMARK.format(kind="main"),
    )


def report_pr(args: argparse.Namespace, evaluate: EvaluateConfig) -> str:
    head_path = args.head_metrics or args.metrics
    head = io.read_json(head_path)
    if head is None:
        raise ForecastopsError(f"{head_path}: not found; run `make smoke` first")
    base = load_metrics(args.base, args.metrics)
    changed = diff_metrics(base, head, evaluate).changed_segments
    return build_pr_markdown(
        base,
        head,
        evaluate=evaluate,
        base_label=revision_label(args.base),
        head_label="this PR (smoke)",
        validation=io.read_json(args.validation),
        plots=plot_links(args.plots_dir, changed, args.out),
        run_url=workflow_run_url(),
    )


def run(args: argparse.Namespace) -> int:
    evaluate = section(load_params(args.params), "evaluate", EvaluateConfig, source=args.params)
    build = report_diff if args.report_command == "diff" else report_pr
    emit(build(args, evaluate), args.out)
    return 0
