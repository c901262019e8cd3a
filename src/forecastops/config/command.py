"""``forecastops params``: write ``params.yaml`` from ``conf/``, check that it is up to date, record
the repository's choices (``--record``: ``conf/site.yaml``) or print one composed value (``--get``,
for make).

Writing and checking name the keys that differ, so a value set outside ``conf/`` (``dvc exp run
-S``, a hand edit) is never dropped or refused silently: ``forecastops exp set --from-params``
moves such values into ``conf/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.config.diff import changed_keys, describe
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
    old = _load(current)
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
    changes = _changes(old, params)
    return (
        f"{out} is out of date with conf/ (overrides: {overrides or 'none'}; {site})"
        + (f" at {changes} ({out} -> conf/)" if changes else "")
        + "; run `make params` to take conf/'s values, or `forecastops exp set --from-params` "
        f"to keep {out}'s (an applied `dvc exp run -S`), and commit"
    )


def _changes(current: Any, params: dict) -> str:
    """The keys ``current`` (a loaded params file) holds otherwise than ``params``."""
    changes = changed_keys(current if isinstance(current, dict) else {}, params)
    return describe(changes) if changes else ""


def _load(text: str) -> Any:
    try:
        return io.parse_yaml(text) if text else None
    except yaml.YAMLError:
        return None


def run(args: argparse.Namespace) -> int:
    conf = Path(args.conf)
    params = compose(args.overrides, conf)
    if args.get:
        print(_value(params, args.get))
        return 0
    text = dump(params)
    out = Path(args.out)
    current = out.read_text(encoding="utf-8") if out.is_file() else ""
    if args.check:
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
    changes = _changes(_load(current), params) if current and current != text else ""
    io.write_text(out, text)
    print(f"wrote {out}" + (f" ({changes})" if changes else ""))
    return 0
