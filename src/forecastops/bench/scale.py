"""One point of the scale series: the full pipeline on the default generator with its regions
copied ``copies`` times (``synth.region_copies``: the same stores and products per region), then a
one-region change's rerun and batch scoring, in a scratch workspace of its own.

The pipeline runs as main.yml's runners run it: ``forecastops train-stale`` (featurize, every
region's fits at once on the executor, then ``dvc repro`` records them, evaluates and scores).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from forecastops.bench.measure import run_measured
from forecastops.config.compose import compose, dump
from forecastops.config.load import load_params
from forecastops.gitops.smoke import prepare
from forecastops.stages.score import score
from forecastops_synth.generate import generate, load_config

BIN = Path(sys.executable).parent
CHANGED = "model.lasso.alpha=0.01"  # the one-region change: a LASSO override for the first region


def region_overrides(regions: list[str], base: list[str]) -> list[str]:
    """Pipeline overrides that declare and include exactly the generated ``regions``."""
    added = [f"+segments.all_regions.{r}={{}}" for r in regions if r not in base]
    return [*added, f"segments.include=[{','.join(regions)}]"]


def generate_data(root: Path, copies: int, synth: list[str]) -> tuple[Path, list[str], float]:
    """The generator's data with ``copies`` x the regions: its folder, regions and seconds."""
    cfg = load_config([*synth, f"synth.region_copies={copies}"])
    out = root / f"data-x{copies}"
    started = time.perf_counter()
    generate(cfg, out)
    return out, cfg.region_ids(), round(time.perf_counter() - started, 1)


def scoring(ws: Path) -> dict:
    """Batch scoring of every region: rows per second of the scoring itself (features read,
    models loaded, forecasts made), and the whole command's seconds (Python start, imports and
    the model hash check included)."""
    params = load_params(ws / "params.yaml")
    regions, cpu_math = list(params["segments"]["regions"]), params["train"]["cpu_math"]
    started = time.perf_counter()
    rows = len(score(ws / "artifacts/features", ws / "models", regions, "bench", "bench", cpu_math))
    seconds = time.perf_counter() - started
    command = run_measured([str(BIN / "forecastops"), "score"], ws, echo=False)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "command_seconds": command.seconds,
    }


def scale_point(root: Path, copies: int, synth: list[str], pipeline: list[str]) -> dict:
    """Generate, run the whole pipeline, rerun after a one-region change, and score; the figures."""
    data, regions, gen_s = generate_data(root, copies, synth)
    base = list(compose([], Path("conf"))["segments"]["all_regions"])
    overrides = [*pipeline, *region_overrides(regions, base)]
    ws = prepare(root / f"ws-x{copies}", overrides, data_link=data)
    full = run_measured([str(BIN / "forecastops"), "train-stale"], ws)
    metrics = json.loads((ws / "reports" / "metrics.json").read_text())["overall"]
    changed = [*overrides, f"+segments.all_regions.{regions[0]}.{CHANGED}"]
    (ws / "params.yaml").write_text(dump(compose(["env=local", *changed], Path("conf"))))
    rerun = run_measured([str(BIN / "forecastops"), "train-stale"], ws)
    return {
        "regions": len(regions),
        "segments": metrics["segments_total"],
        "generate_seconds": gen_s,
        "seconds": full.seconds,
        "peak_mib": full.peak_mib,
        "stages": full.stages,
        "segments_passed": metrics["segments_passed"],
        "one_region_rerun": {
            "region": regions[0],
            "seconds": rerun.seconds,
            "stages": list(rerun.stages.items()),  # [stage, seconds] pairs in the order they ran
            # DVC checking the unchanged stages before the first one runs (those after the train
            # stages: measure.AFTER_TRAIN)
            "before_stages_seconds": round(rerun.seconds - sum(rerun.stages.values()), 1),
            "ratio_to_full": round(rerun.seconds / full.seconds, 3),
        },
        "scoring": scoring(ws),
        "workspace": str(ws),
    }
