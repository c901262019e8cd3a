"""``forecastops params``: write ``params.yaml`` from ``conf/``, or check that it is up to date.

Either way it names the keys that differ, so a value set outside ``conf/`` (``dvc exp run -S``, a
hand edit) is never dropped or refused silently: ``forecastops exp set --from-params`` moves such
values into ``conf/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.config.diff import changed_keys, describe
from forecastops.errors import ForecastopsError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compose conf/ into params.yaml (the file DVC tracks and every stage reads)."
    )
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides, e.g. env=local model.nn.epochs=3"
    )
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")
    parser.add_argument("--out", default="params.yaml", help="output file (default: params.yaml)")
    parser.add_argument("--check", action="store_true", help="fail if --out differs from conf/")


def _changes(out: Path, params: dict) -> str:
    """The keys ``out`` holds otherwise than ``params`` (empty when unreadable or the same)."""
    if not out.is_file():
        return ""
    try:
        current = yaml.safe_load(out.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return ""
    changes = changed_keys(current if isinstance(current, dict) else {}, params)
    return describe(changes) if changes else ""


def run(args: argparse.Namespace) -> int:
    params = compose(args.overrides, args.conf)
    text = dump(params)
    out = Path(args.out)
    current = out.read_text(encoding="utf-8") if out.is_file() else ""
    if args.check:
        if current != text:
            changes = _changes(out, params)
            raise ForecastopsError(
                f"{out} is out of date with conf/ (overrides: {args.overrides or 'none'})"
                + (f" at {changes} ({out} -> conf/)" if changes else "")
                + "; run `make params` to take conf/'s values, or `forecastops exp set "
                f"--from-params` to keep {out}'s (an applied `dvc exp run -S`), and commit"
            )
        print(f"{out} matches conf/")
        return 0
    changes = _changes(out, params) if current != text else ""
    io.write_text(out, text)
    print(f"wrote {out}" + (f" ({changes})" if changes else ""))
    return 0
