"""``forecastops train-groups``: the regions of ``params.yaml`` in ``env.train_groups`` groups, as
JSON for a workflow matrix (main.yml: one self-hosted GPU runner job per group).

Derived from conf/ (through params.yaml), never a second list: a region added to conf/segments joins
a group. Round-robin in conf order, so the groups differ in size by at most one region.
"""

from __future__ import annotations

import argparse
import json

from forecastops.config.load import load_params, section
from forecastops.config.sections.env import EnvConfig
from forecastops.config.sections.segments import SegmentsConfig


def groups(regions: list[str], count: int) -> list[list[str]]:
    """``regions`` dealt round-robin into ``count`` groups (fewer if there are fewer regions)."""
    count = max(1, min(count, len(regions)))
    return [regions[i::count] for i in range(count)]


def matrix(regions: list[str], count: int) -> list[dict[str, str]]:
    """One matrix entry per group: its name and its regions, comma-separated."""
    dealt = groups(regions, count)
    return [
        {"name": f"{i + 1}-of-{len(dealt)}", "regions": ",".join(group)}
        for i, group in enumerate(dealt)
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", default="params.yaml")


def run(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    regions = list(section(params, "segments", SegmentsConfig).regions)
    count = section(params, "env", EnvConfig).train_groups
    print(json.dumps(matrix(regions, count), separators=(",", ":")))
    return 0
