"""``forecastops alerts ACTION``: what monitor.yml does with ``reports/monitoring.json``.

``check`` exits 3 when alerts reach ``monitor.fail_on``; ``summary`` writes the markdown CML posts
(with its key plots); ``notify`` posts the alerts, or any event (a failed pipeline run, a promotion),
to the webhook; ``dispatch`` asks main.yml to retrain through its ``repository_dispatch`` trigger.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.monitor import MonitorConfig
from forecastops.errors import ForecastopsError
from forecastops.monitoring import notify
from forecastops.monitoring.alerts import reaching
from forecastops.monitoring.summary import alert_event, write_summary

ALERTED, NOT_DELIVERED = 3, 4  # exit statuses (2: an error in the input)
MAX_LINES = 20  # alerts listed in a notification; the rest are counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml", help="reads the 'monitor' section")
    parser.add_argument("--report", default="reports/monitoring.json")
    sub = parser.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    sub.add_parser("check", help="exit 3 when alerts reach monitor.fail_on")
    summary = sub.add_parser("summary", help="markdown summary + key plots for the CML comment")
    summary.add_argument("--out", default="reports/monitoring_summary.md")
    summary.add_argument("--link", help="where the dashboard is (e.g. the run's artifacts page)")
    send = sub.add_parser("notify", help="post the alerts (or --event) to the webhook")
    send.add_argument("--event", help="send this event instead of the report's alerts")
    send.add_argument("--title", help="with --event: its one-line title")
    send.add_argument("--line", action="append", default=[], help="with --event: a detail line")
    sub.add_parser("dispatch", help="retrain via main.yml's repository_dispatch on alerts")


def _report(path: str) -> dict:
    report = io.read_json(path)
    if report is None or "alerts" not in report:
        raise ForecastopsError(f"{path}: not a monitoring report; run `forecastops monitor`")
    return report


def _check(args: argparse.Namespace, cfg: MonitorConfig) -> int:
    found = [] if cfg.fail_on == "never" else reaching(_report(args.report)["alerts"], cfg.fail_on)
    for alert in found:
        print(f"{alert['level']:<5} {alert['kind']:<8} {alert['message']}")
    print(f"{len(found)} alert(s) at level '{cfg.fail_on}' or worse (monitor.fail_on)")
    return ALERTED if found else 0


def _notify(args: argparse.Namespace, cfg: MonitorConfig) -> int:
    if args.event:
        evt = notify.event(args.event, args.title or args.event, args.line, {})
    else:
        evt = alert_event(_report(args.report), cfg.notify.min_level, MAX_LINES)
        if evt is None:
            print(f"no alerts at level '{cfg.notify.min_level}' or worse: nothing to send")
            return 0
    url = os.environ.get(cfg.notify.url_env)
    if not url:
        print(f"${cfg.notify.url_env} is not set: webhook not configured, nothing sent")
        return 0
    try:
        status = notify.post(url, notify.body(evt, cfg.notify.format), cfg.notify.timeout_s)
    except notify.NotifyError as exc:
        print(f"forecastops alerts notify: not delivered: {exc}", file=sys.stderr)
        return NOT_DELIVERED
    print(f"sent '{evt['title']}' ({cfg.notify.format}) to {notify.where(url)}: HTTP {status}")
    return 0


def _dispatch(args: argparse.Namespace, cfg: MonitorConfig) -> int:
    report = _report(args.report)
    found = [] if cfg.fail_on == "never" else reaching(report["alerts"], cfg.fail_on)
    if not found:
        print("no alerts at monitor.fail_on: no retraining asked for")
        return 0
    need = ("GITHUB_TOKEN", "GITHUB_REPOSITORY")
    missing = [k for k in need if not os.environ.get(k)]
    if missing:
        raise ForecastopsError(f"dispatch needs {', '.join(missing)} (set by GitHub Actions)")
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    url = f"{api}/repos/{os.environ['GITHUB_REPOSITORY']}/dispatches"
    payload = {
        "event_type": cfg.retrain_event,
        "client_payload": {
            "reason": "monitor",
            "alerts": len(found),
            "kinds": sorted({a["kind"] for a in found}),
        },
    }
    auth = {
        "Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
        "Accept": "application/vnd.github+json",
    }
    notify.post(url, payload, cfg.notify.timeout_s, auth)
    print(f"asked for retraining: repository_dispatch '{cfg.retrain_event}' ({len(found)} alerts)")
    return 0


def _summary(args: argparse.Namespace, cfg: MonitorConfig) -> int:
    write_summary(_report(args.report), Path(args.out), args.link)
    print(f"wrote {args.out}")
    return 0


HANDLERS = {"check": _check, "summary": _summary, "notify": _notify, "dispatch": _dispatch}


def run(args: argparse.Namespace) -> int:
    cfg = section(load_params(args.params), "monitor", MonitorConfig)
    return HANDLERS[args.alerts_command](args, cfg)
