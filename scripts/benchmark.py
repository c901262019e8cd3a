"""Benchmark the pipeline: wall time per stage and peak memory, on this machine.

Runs the real `dvc repro --force` in a scratch workspace (the repository's own outputs are not
touched) for the full default data (env=dev, data/ linked in) and for the smoke sample (env=local),
and writes reports/benchmark.json plus a markdown table for the README. Not a test: timings depend on
the machine; the figures are recorded with the machine they came from.

    python scripts/benchmark.py [--skip-full] [HYDRA_OVERRIDES...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from forecastops import io
from forecastops.gitops.smoke import prepare

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def machine() -> dict:
    cpu = "unknown"
    if Path("/proc/cpuinfo").is_file():
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        import torch

        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    except ImportError:
        gpu = "none"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "gpu": gpu,
        "python": platform.python_version(),
    }


def timed_repro(workdir: Path) -> dict:
    """`dvc repro --force`, with each stage's wall time parsed from DVC's own log lines."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "dvc"), "repro", "--force"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stages, current, t0 = {}, None, started
    for line in proc.stdout:  # type: ignore[union-attr]
        sys.stdout.write(line)
        match = re.match(r"Running stage '([^']+)'", line)
        if match:
            now = time.perf_counter()
            if current:
                stages[current] = round(now - t0, 2)
            current, t0 = match.group(1), now
    if proc.wait() != 0:
        raise SystemExit(f"dvc repro failed in {workdir}")
    total = time.perf_counter() - started
    if current:
        stages[current] = round(time.perf_counter() - t0, 2)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(total, 1),
        "peak_rss_mib": round(max(peak, before) / 1024, 1),
        "stages": stages,
        "metrics": json.loads((workdir / "reports" / "metrics.json").read_text())["overall"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--workdir", default=None, help="scratch dir (default: a new temp dir)")
    args = parser.parse_args()
    os.chdir(REPO)
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="forecastops-bench-")
    result = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
    smoke = prepare(Path(args.workdir) / "smoke", [])
    result["smoke"] = timed_repro(smoke)
    if not args.skip_full:
        if not (REPO / "data").is_dir():
            raise SystemExit("data/ is missing: run `make data` first")
        full = Path(args.workdir) / "full"
        prepare(full, ["env=dev", *args.overrides], data_link=REPO / "data")
        result["full"] = timed_repro(full)
    shutil.rmtree(args.workdir, ignore_errors=True)
    io.write_json(REPO / "reports" / "benchmark.json", result)
    print(
        json.dumps(
            {k: v for k, v in result.items() if k != "machine"} | {"machine": result["machine"]},
            indent=1,
            default=str,
        )[:4000]
    )


if __name__ == "__main__":
    main()
