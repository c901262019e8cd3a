"""The ``dvc`` command line of this installation, run from Python (smoke, experiments, reports).

The venv's ``bin`` goes first on ``PATH`` so that the stage commands DVC runs (``forecastops ...``)
resolve to this same installation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from forecastops.errors import ForecastopsError


def venv_path() -> str:
    """``PATH`` with this installation's ``bin`` first."""
    return str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


def run_dvc(
    args: list[str], cwd: str | Path, *, capture: bool = False, check: bool = True
) -> subprocess.CompletedProcess:
    """``dvc args`` in ``cwd``; with ``check`` a non-zero exit is an error naming the command."""
    path = venv_path()
    dvc = shutil.which("dvc", path=path)
    if dvc is None:
        raise ForecastopsError("dvc not found on PATH; run `make install`")
    result = subprocess.run(
        [dvc, *args],
        cwd=cwd,
        env={**os.environ, "PATH": path},
        capture_output=capture,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or "").strip().splitlines()[-1:] if capture else []
        raise ForecastopsError(
            f"`dvc {' '.join(args)}` failed in {cwd} (exit {result.returncode})"
            + (f": {detail[0]}" if detail else "")
        )
    return result
