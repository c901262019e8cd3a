"""Benchmark the pipeline as it scales, on this machine (issue 10): `make bench`.

- the full pipeline (`dvc repro` in a scratch workspace) at 1, 4 and 10 x the default generator's
  14 regions (synth.region_copies: the same stores and products per region): wall time, peak
  memory of the whole process tree, and each point's growth against the first;
- a one-region change's rerun against the full run, and batch scoring's rows per second, at each
  point;
- segments per minute of each executor (local at 1 and N processes, Ray on the same N cores) on the
  first point's fits, and the speed-ups.

Writes reports/benchmark.json and prints the README's tables. Not a test: timings depend on the
machine, which is recorded with them. `--tiny` is CI's version: the committed sample's 2 regions at
x1 and x2 (env=local models), seconds long per point.

    python scripts/benchmark.py [--copies 1,4,10] [--tiny] [--out FILE] [PIPELINE_OVERRIDES...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from forecastops import io
from forecastops.bench.executors import compare
from forecastops.bench.report import growth, machine, markdown
from forecastops.bench.scale import scale_point

REPO = Path(__file__).resolve().parents[1]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="pipeline overrides, e.g. model.nn.epochs=10")
    parser.add_argument("--tiny", action="store_true", help="the sample at x1 and x2 (CI)")
    parser.add_argument(
        "--copies", default=None, help="region multiples (default 1,4,10; tiny 1,2)"
    )
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="executor processes")
    parser.add_argument("--out", default=None, help="default reports/benchmark[_tiny].json")
    parser.add_argument("--workdir", default=None, help="scratch dir (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch workspaces")
    return parser.parse_args()


def main() -> None:
    args = parse()
    os.chdir(REPO)
    copies = [int(c) for c in (args.copies or ("1,2" if args.tiny else "1,4,10")).split(",")]
    synth = ["synth=sample"] if args.tiny else []
    pipeline = [*([] if args.tiny else ["env=dev"]), *args.overrides]
    root = Path(args.workdir or tempfile.mkdtemp(prefix="forecastops-bench-"))
    result: dict = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "mode": "tiny (committed sample, env=local)" if args.tiny else "default generator, env=dev",
        "pipeline_overrides": pipeline,
        "region_copies": copies,
    }
    points = []
    for k in copies:
        points.append(scale_point(root, k, synth, pipeline))
        print(json.dumps({x: y for x, y in points[-1].items() if x != "stages"}, indent=1))
    result["scale"] = points
    result["growth"] = growth(points)
    result["executors"] = compare(Path(points[0]["workspace"]), args.cores)
    result["gpu"] = (
        "not measured: no CUDA device on this machine"
        if result["machine"]["gpu"] == "none"
        else "see executors (train.device auto)"
    )
    for p in points:
        p.pop("workspace")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    out = Path(args.out or f"reports/benchmark{'_tiny' if args.tiny else ''}.json")
    io.write_json(out, result)
    print(markdown(result))
    print(f"-> {out}")


if __name__ == "__main__":
    main()
