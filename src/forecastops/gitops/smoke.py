"""smoke: the real DVC pipeline on the committed sample, in a scratch workspace.

PR checks and tests run exactly what main runs (`dvc repro` over the same dvc.yaml and code), only
composed with ``env=local`` (the committed sample, small models). The scratch copy keeps the
repository's own params.yaml, dvc.lock and outputs untouched; its reports are copied to
``reports/smoke/`` where the PR comment reads them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.errors import ForecastopsError

COPIED = ("conf", "src", "dvc.yaml")
REPORTS = ("metrics.json", "data_validation.json")


def prepare(
    workdir: Path, overrides: list[str], repo: Path = Path("."), data_link: Path | None = None
) -> Path:
    """A fresh scratch workspace holding the pipeline, its data and params (env=local unless
    overridden). ``data_link`` symlinks a large data root instead of copying it (benchmarks)."""
    params = compose(["env=local", *overrides], repo / "conf")
    data_root = Path(params["env"]["data_root"])
    if data_link is None and not (repo / data_root).is_dir():
        raise ForecastopsError(f"{repo / data_root}: the committed sample is missing")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for name in COPIED:
        src = repo / name
        if src.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(src, workdir / name, ignore=ignore)
        else:
            shutil.copy2(src, workdir / name)
    if data_link is not None:
        (workdir / data_root).symlink_to(data_link.resolve(), target_is_directory=True)
    else:
        shutil.copytree(repo / data_root, workdir / data_root)
    (workdir / "params.yaml").write_text(dump(params), encoding="utf-8")
    _dvc(["init", "--no-scm", "-q"], workdir)
    _dvc(["config", "core.analytics", "false"], workdir)
    return workdir


def _dvc(args: list[str], cwd: Path) -> None:
    # The venv's bin first: stage commands (`forecastops ...`) must resolve to this installation.
    path = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    dvc = shutil.which("dvc", path=path)
    if dvc is None:
        raise ForecastopsError("dvc not found on PATH; run `make install`")
    env = {**os.environ, "PATH": path}
    result = subprocess.run([dvc, *args], cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise ForecastopsError(f"`dvc {' '.join(args)}` failed in {cwd} (exit {result.returncode})")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides on top of env=local")
    parser.add_argument("--workdir", default=".smoke")
    parser.add_argument(
        "--reports", default="reports/smoke", help="where the smoke reports are copied"
    )


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    workdir = prepare(Path(args.workdir), args.overrides)
    _dvc(["repro", "-q"], workdir)
    for name in REPORTS:
        io.write_text(Path(args.reports) / name, (workdir / "reports" / name).read_text())
    plots = Path(args.reports) / "plots"
    with io.atomic_path(plots) as tmp:
        shutil.copytree(workdir / "reports" / "plots" / "segments", tmp)
    print(
        f"smoke: dvc repro on the sample took {time.perf_counter() - started:.1f}s -> {args.reports}/"
    )
    return 0
