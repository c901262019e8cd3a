"""``forecastops repro``: ``dvc repro`` that never leaves a git-tracked pointer rewritten by a run
that failed.

``dvc repro`` records a changed ``data.dvc`` (the data's new hash) before later stages run; when
validation then fails on that corrupt data, the pointer stays rewritten and a later
``git commit -a`` would pin the bad data. Here every git-tracked ``*.dvc`` file is snapshotted
first and, if the run fails, put back byte for byte, saying loudly which ones and why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forecastops import io
from forecastops.dvc_cli import run_dvc
from forecastops.gitops.registry.git import git


def tracked_pointers(repo: Path) -> dict[Path, bytes]:
    """Every ``*.dvc`` file git tracks, with its bytes."""
    listed = git("ls-files", "-z", "--", "*.dvc", repo=repo, check=False) or ""
    paths = [repo / name for name in listed.split("\0") if name]
    return {p: p.read_bytes() for p in paths if p.is_file()}


def restore(before: dict[Path, bytes]) -> list[Path]:
    """Put back the pointers a run rewrote; returns those it had changed."""
    changed = [p for p, data in before.items() if not p.is_file() or p.read_bytes() != data]
    for path in changed:
        io.atomic_write(path, lambda tmp, data=before[path]: tmp.write_bytes(data))
    return changed


def repro(args: list[str], repo: Path) -> int:
    """Run ``dvc repro args`` in ``repo``; on failure restore rewritten pointers."""
    before = tracked_pointers(repo)
    code = run_dvc(["repro", *args], repo, check=False).returncode  # this installation's dvc
    if code == 0:
        return 0
    for path in restore(before):
        print(
            f"forecastops repro: the run failed (exit {code}), so {path.relative_to(repo)} is "
            "restored to its committed content: the data it described did not pass the pipeline. "
            "Fix the data (or the code) and run again.",
            file=sys.stderr,
        )
    return code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dvc_args", nargs=argparse.REMAINDER, help="passed to `dvc repro`")
    # `forecastops repro --force` (make repro REPRO_FLAGS=--force): argparse's REMAINDER does not
    # take a leading option, so the CLI hands this command the options it does not know
    parser.set_defaults(passthrough="dvc_args")


def run(args: argparse.Namespace) -> int:
    return repro([a for a in args.dvc_args if a != "--"], Path("."))
