"""`forecastops generate`: compose the generator config and write the raw sources atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from forecastops import io
from forecastops.config.compose import compose_raw
from forecastops.config.load import section
from forecastops_synth.config import SynthConfig
from forecastops_synth.extend import extend
from forecastops_synth.world import build
from forecastops_synth.write import write_world

REPORTED = ("shipments", "returns", "weather_observed", "weather_forecast", "events", "promotions")


def generate(cfg: SynthConfig, out_dir: str | Path) -> dict[str, int]:
    """Write the raw sources of `cfg` to `out_dir` atomically; returns row counts."""
    world = build(cfg)
    if cfg.extend_weeks:  # new weeks after end_week; the history above is unchanged
        world = extend(cfg, world)
    with io.atomic_path(out_dir) as tmp:
        counts = write_world(world, tmp)
    counts["weeks"] = world.timeline.n_weeks
    counts["series"] = len(world.series)
    return counts


def load_config(overrides: list[str] | None = None, conf_dir: str | Path = "conf") -> SynthConfig:
    """The `synth` section of conf/generate.yaml, which interpolates the pipeline's own rules."""
    params = compose_raw(overrides, conf_dir, config_name="generate")
    return section(params, "synth", SynthConfig, source=f"{conf_dir}/ (synth)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate the synthetic raw sources of the default company (layout: docs/contracts.md)."
    )
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides, e.g. synth=sample synth.n_stores=300"
    )
    parser.add_argument("--out", required=True, help="output directory (replaced atomically)")
    parser.add_argument("--conf", default="conf", help="config directory (default: conf)")


def run(args: argparse.Namespace) -> int:
    cfg = load_config(args.overrides, args.conf)
    counts = generate(cfg, args.out)
    extended = f" + {cfg.extend_weeks} new weeks" if cfg.extend_weeks else ""
    if cfg.drift:
        extended += f", drift: {', '.join(d.kind for d in cfg.drift)}"
    print(
        f"wrote {args.out}: {counts['stores']} stores in {len(cfg.region_ids())} regions, "
        f"{counts['products']} products, {counts['weeks']} weeks "
        f"({cfg.start_week} .. {cfg.end_week}{extended}), {counts['series']} store x product series"
    )
    for key in REPORTED:
        print(f"  {key:<17} {counts[key]:>10,} rows")
    return 0
