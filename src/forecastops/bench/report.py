"""The benchmark's figures: the machine, growth ratios of the scale series, and the README table."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

import torch

LINEAR_SLACK = 1.1  # "near linear": time grows at most 1.1 x the regions (140 <= 11 x 14)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = "unknown"
    if Path("/proc/cpuinfo").is_file():
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "gpu": gpu,
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def growth(points: list[dict]) -> dict:
    """Each point against the first: regions, time and memory ratios, and whether time stays
    within ``LINEAR_SLACK`` x linear."""
    base = points[0]
    out = {}
    for p in points[1:]:
        regions = p["regions"] / base["regions"]
        time_ratio = p["seconds"] / base["seconds"]
        out[f"{p['regions']}_vs_{base['regions']}_regions"] = {
            "regions_ratio": round(regions, 2),
            "time_ratio": round(time_ratio, 2),
            "memory_ratio": round(p["peak_mib"] / base["peak_mib"], 2),
            "time_bound": round(LINEAR_SLACK * regions, 2),
            "near_linear": time_ratio <= LINEAR_SLACK * regions,
        }
    return out


def rerun_table(points: list[dict]) -> list[str]:
    """Where a one-region rerun's seconds go, per scale point (``train@<region>`` as ``train``)."""
    spans = [_rerun(p) for p in points]
    names = ["DVC checks before", *dict.fromkeys(n for s in spans for n in s)]
    lines = [f"| regions | {' | '.join(names)} |", "|---:|" + "---:|" * len(names)]
    for p, span in zip(points, spans, strict=True):
        rerun = p["one_region_rerun"]
        cells = [rerun["before_stages_seconds"], *(span.get(n) for n in names[1:])]
        shown = " | ".join("-" if c is None else f"{c:.1f} s" for c in cells)
        lines.append(f"| {p['regions']} | {shown} |")
    return lines


def _rerun(point: dict) -> dict[str, float]:
    """The rerun's seconds per stage kind, in run order (``train@<region>`` as ``train``)."""
    out: dict[str, float] = {}
    for name, seconds in point["one_region_rerun"]["stages"]:
        kind = name.split("@")[0]
        out[kind] = out.get(kind, 0.0) + seconds
    return out


def markdown(result: dict) -> str:
    """The README's tables: the scale series, then the executors."""
    lines = [
        "| regions | segments | full pipeline | peak memory | one-region rerun | rerun / full "
        "| scoring rows/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in result["scale"]:
        rerun, score = p["one_region_rerun"], p["scoring"]
        lines.append(
            f"| {p['regions']} | {p['segments']} | {p['seconds']:.0f} s | "
            f"{p['peak_mib'] / 1024:.1f} GiB | {rerun['seconds']:.0f} s | "
            f"{rerun['ratio_to_full']:.1%} | {score['rows_per_second']:,} |"
        )
    lines += ["", *rerun_table(result["scale"])]
    lines += ["", "| executor | segments/min | speed-up vs local n_jobs=1 |", "|---|---:|---:|"]
    execs = result["executors"]
    for name, r in execs["results"].items():
        ratio = execs["speedup"].get(f"{name}_vs_local_n_jobs_1", 1.0)
        lines.append(f"| {name} | {r['segments_per_minute']:.1f} | {ratio:.2f} |")
    return "\n".join(lines)
