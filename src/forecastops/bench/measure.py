"""Wall time and peak memory of a command and every process it starts.

Peak memory is the largest sum of the resident memory of the command's whole process tree (DVC, each
stage, its worker processes), sampled every ``SAMPLE_S`` seconds from /proc: what the machine must
hold at once, not just the biggest single process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_S = 0.25
PAGE = os.sysconf("SC_PAGE_SIZE")
STAGE_LINE = re.compile(r"Running stage '([^']+)'")
FITS_LINE = re.compile(r"^train-stale: \d+ of \d+ regions to train")  # its executor batch starts
FITS = "fits (train-stale, on the executor)"
# train-stale's one dvc.lock write for the train stages: what follows, until the next stage runs,
# is DVC checking every other stage (evaluate's deps, 140 unchanged train stages...)
RECORDED_LINE = re.compile(r"^Updating lock file 'dvc.lock' \(\d+ stages at once\)")
AFTER_TRAIN = "DVC checks after train"


@dataclass
class Measured:
    seconds: float
    peak_mib: float
    output: str
    # seconds per DVC stage (from its log lines) and of train-stale's executor batch
    stages: dict[str, float] = field(default_factory=dict)


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants right now."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent pid
        rss[pid] = int(fields[21]) * PAGE  # fields[21]: resident pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_measured(args: list[str], cwd: Path, echo: bool = True) -> Measured:
    """Run ``args`` in ``cwd``; wall seconds, peak memory of its process tree, output, and the
    seconds of each DVC stage it ran. Fails loudly if the command fails."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines, stages, current, t0 = [], {}, None, started
    for line in proc.stdout:  # type: ignore[union-attr]
        lines.append(line)
        if echo:
            sys.stdout.write(line)
        match = STAGE_LINE.search(line)
        name = match.group(1) if match else _marker(line)
        if name:
            now = time.perf_counter()
            if current:
                stages[current] = round(now - t0, 2)
            current, t0 = name, now
    code = proc.wait()
    seconds = time.perf_counter() - started
    sampler.join()
    if current:
        stages[current] = round(time.perf_counter() - t0, 2)
    if code != 0:
        raise SystemExit(f"{' '.join(args)} failed in {cwd} (exit {code})")
    return Measured(round(seconds, 1), round(peak[0] / 2**20, 1), "".join(lines), stages)


def _marker(line: str) -> str | None:
    """The span a train-stale line starts (its executor batch, DVC's checks after the group)."""
    if FITS_LINE.match(line):
        return FITS
    return AFTER_TRAIN if RECORDED_LINE.match(line) else None
