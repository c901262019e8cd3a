"""``forecastops exp``: DVC experiments whose settings live in ``conf/``.

Stages read the composed ``params.yaml``; ``dvc exp run -S key=value`` would change that file alone,
and ``forecastops params`` would then take the value away again. So here a setting is written into
the ``conf/`` file it belongs to and ``params.yaml`` recomposed (``conf_edit``) before DVC sees
the workspace: the experiment's commit carries both, and ``dvc exp apply`` brings back a workspace
where ``forecastops params --check`` is green.

* ``exp set KEY=VALUE ...``: write values into ``conf/`` (``--from-params``: the values
  ``params.yaml`` holds beyond ``conf/``, e.g. after ``dvc exp apply`` of a ``dvc exp run -S``).
* ``exp run -S KEY=VALUE ... [--queue]``: ``dvc exp run`` with those values; ``-S k=a,b`` sweeps
  (with ``--queue``: one queued experiment per combination, the workspace left as it was; run them
  with ``dvc exp run --run-all`` or ``dvc queue start`` and compare with ``dvc exp show``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from forecastops.config.compose import compose
from forecastops.config.diff import flatten
from forecastops.config.load import load_params
from forecastops.dvc_cli import run_dvc
from forecastops.errors import ForecastopsError
from forecastops.experiments.conf_edit import restore, set_values
from forecastops.experiments.overrides import label, points


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")
    parser.add_argument("--params", default="params.yaml", help="composed params file")
    sub = parser.add_subparsers(dest="exp_command", required=True, metavar="EXP")
    s = sub.add_parser("set", help="write values into conf/ and recompose params.yaml")
    s.add_argument("settings", nargs="*", help="KEY=VALUE, e.g. model.lasso.alpha=0.001")
    s.add_argument(
        "--from-params",
        action="store_true",
        help="write the values params.yaml holds beyond conf/ (an applied `dvc exp run -S`)",
    )
    r = sub.add_parser("run", help="dvc exp run with values written into conf/")
    r.add_argument("-S", "--set-param", dest="settings", action="append", default=[])
    r.add_argument("--queue", action="store_true", help="queue (one per sweep combination)")
    r.add_argument("-n", "--name", default=None, help="experiment name (sweeps: NAME-1, ...)")
    r.add_argument("-m", "--message", default=None)


def _from_params(args: argparse.Namespace) -> dict:
    """The leaves ``params.yaml`` holds otherwise than ``conf/`` composes them."""
    conf, current = flatten(compose([], args.conf)), flatten(load_params(args.params))
    missing = [k for k, v in conf.items() if k not in current and v != {}]
    if missing:
        raise ForecastopsError(f"{args.params} lacks keys conf/ has: {missing[:5]}")
    return {k: v for k, v in current.items() if k not in conf or conf[k] != v}


def cmd_set(args: argparse.Namespace) -> int:
    if bool(args.settings) == args.from_params:
        raise ForecastopsError("exp set: give KEY=VALUE settings or --from-params (not both)")
    if args.from_params:
        values = _from_params(args)
    else:
        sweep = points(args.settings)
        if len(sweep) != 1:
            raise ForecastopsError("exp set: a sweep (k=a,b) needs `exp run --queue`")
        values = sweep[0]
    if not values:
        print(f"{args.params} already matches conf/: nothing to set")
        return 0
    set_values(values, Path(args.conf), Path(args.params))
    print(f"conf/: {label(values)}; wrote {args.params}")
    return 0


def _dvc_args(args: argparse.Namespace, index: int, total: int) -> list[str]:
    out = ["exp", "run"] + (["--queue"] if args.queue else [])
    if args.name:
        out += ["--name", args.name if total == 1 else f"{args.name}-{index + 1}"]
    return out + (["--message", args.message] if args.message else [])


def cmd_run(args: argparse.Namespace) -> int:
    if not args.settings:
        raise ForecastopsError("exp run: give at least one -S KEY=VALUE")
    sweep = points(args.settings)
    if len(sweep) > 1 and not args.queue:
        raise ForecastopsError(f"exp run: a sweep ({len(sweep)} combinations) needs --queue")
    for i, point in enumerate(sweep):
        originals = set_values(point, Path(args.conf), Path(args.params))
        try:
            print(f"exp: {label(point)} (in conf/)", flush=True)
            code = run_dvc(_dvc_args(args, i, len(sweep)), ".", check=False).returncode
        finally:
            if args.queue:  # the queue holds the change; the workspace goes back as it was
                restore(originals)
        if code != 0:
            return code
    if args.queue:
        print(f"queued {len(sweep)}: run with `dvc exp run --run-all`, compare with `dvc exp show`")
    return 0


def run(args: argparse.Namespace) -> int:
    return cmd_set(args) if args.exp_command == "set" else cmd_run(args)
