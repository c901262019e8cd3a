"""``forecastops report``: ``diff`` (metrics between two revisions, the main-branch commit
comment), ``pr`` (the pull-request comment: smoke run vs the base branch) and ``publish`` (the
comment with its images uploaded, for the job summary)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.report import ReportConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.report import plots
from forecastops.gitops.report.diff import diff_metrics
from forecastops.gitops.report.markdown import WATERMARK
from forecastops.gitops.report.metrics_md import build_diff_markdown
from forecastops.gitops.report.noise import Noise
from forecastops.gitops.report.params_md import params_diff
from forecastops.gitops.report.pr_comment import PrInputs, build_pr_markdown, charts_section
from forecastops.gitops.report.predictions import read_at_revision, read_workspace
from forecastops.gitops.report.publish import publish
from forecastops.gitops.report.sources import WORKSPACE, is_workspace, load_metrics, revision_label
from forecastops.quality.bootstrap import paired_intervals


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    d = sub.add_parser("diff", help="metric diff between two revisions (markdown)")
    d.add_argument("--base", required=True, help="git revision of the base metrics")
    d.add_argument("--head", default=WORKSPACE, help="git revision or 'workspace' (default)")
    d.add_argument("--metrics", default="reports/metrics.json", help="metrics file path")
    d.add_argument("--title", default="Metrics diff")
    d.add_argument("--out", help="write the markdown here (default: stdout)")
    d.add_argument("--charts-dir", default="reports/plots/compare")
    p = sub.add_parser("pr", help="the pull-request comment (smoke run vs the base branch)")
    p.add_argument("--base", required=True, help="git revision of the base branch")
    p.add_argument(
        "--metrics",
        default="reports/smoke/metrics.json",
        help="smoke metrics path: read at --base from git (default: reports/smoke/metrics.json)",
    )
    p.add_argument("--head-metrics", default=None, help="default: --metrics in the working tree")
    p.add_argument("--validation", default="reports/smoke/data_validation.json")
    p.add_argument("--charts-dir", default="reports/smoke/plots/compare")
    p.add_argument("--out", default="reports/pr_comment.md")
    for cmd in (d, p):
        cmd.add_argument("--params", default="params.yaml", help="evaluate.gate, report.*")
        cmd.add_argument(
            "--predictions",
            action="append",
            default=None,
            help="per-row test predictions, at --base and in the head, for the intervals; "
            "{region} expands over segments.regions (pr default: reports/smoke/predictions.parquet)",
        )
    u = sub.add_parser("publish", help="the comment with local images uploaded (job summary)")
    u.add_argument("--in", dest="in_path", default="reports/pr_comment.md")
    u.add_argument("--out", required=True)
    u.add_argument(
        "--command", required=True, help="prints an image's URL, e.g. 'cml asset publish'"
    )


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


def _paths(patterns: list[str], params: dict) -> list[str]:
    regions = list((params.get("segments") or {}).get("regions") or {})
    return [p.format(region=r) for p in patterns for r in (regions if "{region}" in p else [""])]


def compare(args: argparse.Namespace, params: dict, head_rev: str | None) -> tuple[Noise, tuple]:
    """The intervals of head vs base (and both prediction frames, for charts)."""
    cfg = section(params, "report", ReportConfig, source=args.params)
    if not args.predictions:
        return Noise(None, note="no test predictions given (--predictions)"), (None, None)
    paths = _paths(args.predictions, params)
    if is_workspace(head_rev):
        head, note = read_workspace(paths), f"no test predictions in the workspace: {paths}"
    else:
        head, note = read_at_revision(head_rev, paths)
    base, base_note = read_at_revision(args.base, paths)
    if head is None or base is None:
        return Noise(None, cfg.bootstrap, note if head is None else base_note), (base, head)
    return Noise(paired_intervals(base, head, cfg.bootstrap), cfg.bootstrap), (base, head)


def report_diff(args: argparse.Namespace, params: dict, evaluate: EvaluateConfig) -> str:
    base = load_metrics(args.base, args.metrics)
    head = load_metrics(args.head, args.metrics)
    if head is None:
        where = args.metrics if is_workspace(args.head) else f"{args.head}:{args.metrics}"
        raise ForecastopsError(f"{where}: no metrics to report (run the pipeline first)")
    noise, rows = compare(args, params, args.head)
    text = build_diff_markdown(
        base,
        head,
        evaluate=evaluate,
        noise=noise,
        base_label=revision_label(args.base),
        head_label=revision_label(args.head),
        title=args.title,
        watermark=WATERMARK.format(kind="main"),
    )
    charts = _charts(args, params, (base, head, evaluate), rows)
    return text + ("\n" + "\n".join(charts_section(charts)) if charts else "")


def _charts(args: argparse.Namespace, params: dict, metrics: tuple, rows: tuple) -> dict:
    """Base and head on one chart per most-moved segment (``report.max_plots``) of the
    ``(base, head, evaluate)`` metrics: segment -> image link relative to the comment
    (``--out``); none without both runs' rows."""
    base_rows, head_rows = rows
    if base_rows is None or head_rows is None:
        return {}
    limit = section(params, "report", ReportConfig, source=args.params).max_plots
    chosen = plots.most_moved(diff_metrics(*metrics), limit)
    images = plots.draw(base_rows, head_rows, chosen, args.charts_dir)
    return plots.links(images, args.out or "comment.md")  # stdout: relative to here


def report_pr(args: argparse.Namespace, params: dict, evaluate: EvaluateConfig) -> str:
    head_path = args.head_metrics or args.metrics
    head = io.read_json(head_path)
    if head is None:
        raise ForecastopsError(f"{head_path}: not found; run `make smoke` first")
    base = load_metrics(args.base, args.metrics)
    args.predictions = args.predictions or ["reports/smoke/predictions.parquet"]
    noise, rows = compare(args, params, None)
    charts = _charts(args, params, (base, head, evaluate), rows)
    validation = io.read_json(args.validation)
    inputs = PrInputs(noise, params_diff(args.base), validation, charts, workflow_run_url())
    return build_pr_markdown(
        base,
        head,
        evaluate=evaluate,
        base_label=revision_label(args.base),
        head_label="this PR (smoke)",
        inputs=inputs,
    )


def report_publish(args: argparse.Namespace) -> int:
    text, failed = publish(Path(args.in_path), shlex.split(args.command))
    io.write_text(args.out, text)
    for link in failed:
        print(f"warning: {link} not published (`{args.command}` failed)", file=sys.stderr)
    print(f"wrote {args.out} ({len(failed)} image(s) not published)")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.report_command == "publish":
        return report_publish(args)
    params = load_params(args.params)
    evaluate = section(params, "evaluate", EvaluateConfig, source=args.params)
    build = report_diff if args.report_command == "diff" else report_pr
    emit(build(args, params, evaluate), args.out)
    return 0
