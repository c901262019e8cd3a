"""``gh api`` calls: the GitHub CLI carries the token (``GH_TOKEN``: the workflow token in Actions)
and fills ``{owner}``/``{repo}`` in an endpoint from ``GH_REPO`` or the checkout's git remote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

from forecastops.errors import ForecastopsError

ACTIONS_ENV = "GITHUB_ACTIONS"  # "true" in every GitHub Actions job


def in_actions() -> bool:
    return os.environ.get(ACTIONS_ENV) == "true"


def _env() -> dict[str, str]:
    """The environment for ``gh``: in Actions, the repository of the run (``GITHUB_REPOSITORY``)
    unless ``GH_REPO`` names one, so ``{owner}/{repo}`` never depends on the git remote."""
    env = dict(os.environ)
    if not env.get("GH_REPO") and env.get("GITHUB_REPOSITORY"):
        env["GH_REPO"] = env["GITHUB_REPOSITORY"]
    return env


def gh(*args: str, stdin: str | None = None) -> str:
    """stdout of ``gh args``; a named error when gh is missing or the call fails."""
    exe = shutil.which("gh")
    if exe is None:
        raise ForecastopsError(
            "gh (GitHub CLI) not found on PATH: install it (preinstalled on GitHub-hosted runners)"
        )
    out = subprocess.run(
        [exe, *args], input=stdin, capture_output=True, text=True, env=_env(), check=False
    )
    if out.returncode != 0:
        detail = (out.stderr or out.stdout).strip()
        raise ForecastopsError(f"gh {' '.join(args)} failed (exit {out.returncode}): {detail}")
    return out.stdout


def gh_json(*args: str) -> Any:
    """``gh args`` whose output is JSON."""
    text = gh(*args)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ForecastopsError(f"gh {' '.join(args)}: not JSON: {exc}: {text[:200]!r}") from exc
