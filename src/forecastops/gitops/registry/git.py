"""Plain git for what GTO does not do: fetch and push tags with a CI token, diff and ancestry.

In CI the token comes from ``FORECASTOPS_PUSH_TOKEN`` and reaches git through ``GIT_CONFIG_*``
environment variables, so it never lands in ``.git/config`` or on a command line. (GTO pushes with
scmrepo, which does not read those variables.)
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from forecastops.errors import ForecastopsError

TOKEN_ENV = "FORECASTOPS_PUSH_TOKEN"


def _run(args: tuple[str, ...], repo: str | Path, env: dict[str, str] | None = None):
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def git(*args: str, repo: str | Path = ".", check: bool = True, env: dict | None = None) -> str:
    """stdout of ``git args`` (stripped); on failure an error, or ``""`` with ``check=False``."""
    out = _run(args, repo, env)
    if check and out.returncode != 0:
        raise ForecastopsError(f"git {' '.join(args)} failed: {out.stderr.strip() or out.stdout}")
    return out.stdout.strip() if out.returncode == 0 else ""


def is_ancestor(repo: str | Path, ancestor: str, commit: str) -> bool:
    out = _run(("merge-base", "--is-ancestor", ancestor, commit), repo)
    if out.returncode not in (0, 1):
        raise ForecastopsError(f"git merge-base --is-ancestor failed: {out.stderr.strip()}")
    return out.returncode == 0


def push_env() -> dict[str, str]:
    """Git config for an HTTPS token taken from the environment (GitHub App / fine-grained PAT)."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        return {}
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"http.{server}/.extraheader",
        "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
    }


def push_tag(tag: str, remote: str, repo: str | Path = ".") -> None:
    git("push", remote, f"refs/tags/{tag}", repo=repo, env=push_env())
    print(f"pushed {tag} to {remote}")


def fetch_tags(repo: str | Path, remote: str) -> bool:
    """``git fetch --tags`` from ``remote`` when it exists, so that GTO's next counter N and the
    stage holder include tags made elsewhere (another release run). Offline: warn, go on."""
    if remote not in git("remote", repo=repo, check=False).split():
        return False
    out = _run(("fetch", "--quiet", "--tags", remote), repo, push_env())
    if out.returncode != 0:
        print(
            f"warning: could not fetch tags from {remote} ({out.stderr.strip()}); "
            "deciding from local tags",
            file=sys.stderr,
        )
        return False
    return True
