"""``forecastops params``: write ``params.yaml`` from ``conf/``, or check that it is up to date."""

from __future__ import annotations

import argparse
from pathlib import Path

from forecastops import io
from forecastops.config.compose import compose, dump
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


def run(args: argparse.Namespace) -> int:
    text = dump(compose(args.overrides, args.conf))
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current != text:
            raise ForecastopsError(
                f"{out} is out of date with conf/ (overrides: {args.overrides or 'none'}); "
                "run `make params` and commit the result"
            )
        print(f"{out} matches conf/")
        return 0
    io.write_text(out, text)
    print(f"wrote {out}")
    return 0
