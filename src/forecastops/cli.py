"""The ``forecastops`` command: one subcommand per pipeline stage or tool.

Each command lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``;
modules are imported lazily so ``forecastops params`` does not pay for importing torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from forecastops.errors import ForecastopsError

COMMANDS: dict[str, tuple[str, str]] = {
    "params": ("forecastops.config.command", "compose conf/ into params.yaml"),
    "generate": ("forecastops_synth.generate", "materialise the embedded default raw data"),
    "condition": ("forecastops.data.condition.stage", "raw sources -> one typed weekly table"),
    "validate": (
        "forecastops.data.validate.stage",
        "data validation rules -> report + cleaned table",
    ),
    "featurize": ("forecastops.features.stage", "weekly table -> per-region model matrices"),
    "train": ("forecastops.stages.train", "fit one region's segment ensembles and baselines"),
    "train-stale": (
        "forecastops.gitops.train_stale",
        "fit every stale region at once on the executor, then dvc repro records them",
    ),
    "train-groups": (
        "forecastops.gitops.train_groups",
        "the regions in env.train_groups groups, as JSON for a workflow matrix",
    ),
    "evaluate": ("forecastops.stages.evaluate", "metrics, pass/fail per segment, plots"),
    "score": ("forecastops.stages.score", "batch forecasts for the next horizon"),
    "monitor-data": (
        "forecastops.stages.monitor_data",
        "drift and quality of the newest weeks of data -> alerts (monitor reads them)",
    ),
    "monitor": (
        "forecastops.stages.monitor",
        "the data's alerts, accuracy on actuals, stale models -> reports/monitoring.json",
    ),
    "dashboard": (
        "forecastops.stages.dashboard",
        "self-contained offline dashboard: run, training, monitoring, forecasts",
    ),
    "alerts": (
        "forecastops.monitoring.cli",
        "act on monitoring alerts: check, CML summary, webhook, retrain dispatch",
    ),
    "repro": (
        "forecastops.gitops.repro",
        "dvc repro; a failed run leaves *.dvc pointers as they were",
    ),
    "smoke": ("forecastops.gitops.smoke", "run the real DVC pipeline on the committed sample"),
    "exp": (
        "forecastops.experiments.command",
        "DVC experiments whose settings are written into conf/ (set, run, queue)",
    ),
    "tune": (
        "forecastops.experiments.tune",
        "search one region's overrides on its validation weeks; winner into conf/",
    ),
    "report": ("forecastops.gitops.report.cli", "markdown reports (metric diff between revisions)"),
    "registry": ("forecastops.gitops.registry.cli", "model registry (GTO): versions, stages"),
    "release": ("forecastops.gitops.release.cli", "release validation gate"),
    "repo-settings": (
        "forecastops.gitops.github.cli",
        "apply the repository settings file (.github/repo-settings.yaml) with gh api",
    ),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="forecastops")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.set_defaults(_module=module)
        if argv[:1] == [name]:
            importlib.import_module(module).add_arguments(cmd)
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "passthrough", None):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if unknown:  # a command that passes its options on (repro -> dvc repro)
        setattr(args, args.passthrough, [*unknown, *getattr(args, args.passthrough)])
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except ForecastopsError as exc:
        print(f"forecastops {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
