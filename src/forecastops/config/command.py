"""``forecastops params``: write ``params.yaml`` from ``conf/``, check that it is up to date, record
the repository's choices (``--record``: ``conf/site.yaml``) or print one composed value (``--get``,
for make)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.config.site import SITE_FILE, record, recorded, with_recorded
from forecastops.errors import ForecastopsError

TRACKED = "params.yaml"  # the file DVC and the stages read


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compose conf/ (with the choices conf/site.yaml records) into params.yaml, the file DVC "
        "tracks and every stage reads."
    )
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides, e.g. env=local model.nn.epochs=3"
    )
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")
    parser.add_argument("--out", default=TRACKED, help=f"output file (default: {TRACKED})")
    parser.add_argument("--check", action="store_true", help="fail if --out differs from conf/")
    parser.add_argument(
        "--record",
        action="store_true",
        help=f"record the overrides in conf/{SITE_FILE} (e.g. the company: data=walmart "
        "env.data_root=/mnt/walmart), so every later composition applies them",
    )
    parser.add_argument(
        "--get", metavar="KEY", help="print one composed value (e.g. env.data_root)"
    )


def _value(params: dict[str, Any], dotted: str) -> str:
    node: Any = params
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ForecastopsError(f"--get {dotted}: no such key in the composed config")
        node = node[part]
    return str(node) if not isinstance(node, (dict, list)) else yaml.safe_dump(node).strip()


def _drift(out: Path, current: str, params: dict[str, Any], conf: Path, overrides: list) -> str:
    """Why ``out`` differs from conf/ and what to do, without steering back to another company."""
    old = yaml.safe_load(current) if current else None
    old_data = old.get("data", {}) if isinstance(old, dict) else {}
    was, now = old_data.get("company"), params["data"]["company"]
    site = f"{conf}/{SITE_FILE} records {recorded(conf) or 'nothing'}"
    if was is not None and was != now:
        return (
            f"{out} serves company '{was}' but conf/ composes company '{now}' ({site}); "
            f"`make params` would switch it to '{now}'. To keep serving '{was}', record it: "
            f"`forecastops params --record data=<its conf/data file> env.data_root=<its data>`; "
            f"to switch to '{now}', run `make params` and commit the result"
        )
    return (
        f"{out} is out of date with conf/ (overrides: {overrides or 'none'}; {site}); "
        "run `make params` and commit the result"
    )


def run(args: argparse.Namespace) -> int:
    conf = Path(args.conf)
    params = compose(args.overrides, conf)
    if args.get:
        print(_value(params, args.get))
        return 0
    text = dump(params)
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current != text:
            raise ForecastopsError(_drift(out, current, params, conf, args.overrides))
        print(f"{out} matches conf/")
        return 0
    if args.record:
        path = record(conf, with_recorded(conf.resolve(), args.overrides))
        print(f"recorded {recorded(conf)} in {path}")
    elif args.overrides and args.out == TRACKED:
        print(
            f"note: {out} now holds overrides conf/ does not record ({args.overrides}): "
            f"`forecastops params --check` fails on it; `--record` keeps them in conf/{SITE_FILE}"
        )
    io.write_text(out, text)
    print(f"wrote {out}")
    return 0
