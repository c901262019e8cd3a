"""Who carries out the ``gh api`` calls of ``apply``: ``Live`` runs them, ``DryRun`` prints them.

Both see the same calls in the same order, and both make a read once (a team named twice is looked
up once). A read whose answer a later call needs (a team's id, the ruleset to update) gets the
placeholder the caller gives in a dry run (the state under which every check passes), and a call
that depends on what a read finds says so in a note.
"""

from __future__ import annotations

import json
import shlex
from typing import Any, Protocol

from forecastops.gitops.github.gh import gh


def api_args(method: str, endpoint: str, body: Any | None) -> list[str]:
    """The arguments of ``gh`` for one write (the body goes to stdin as JSON)."""
    return ["api", "--method", method, endpoint, *(["--input", "-"] if body is not None else [])]


def read_args(endpoint: str, jq: str) -> list[str]:
    """A GET filtered by ``jq``; a list endpoint (jq ``.[]``, ``.key[]``) is read page by page."""
    pages = ["--paginate"] if "[]" in jq else []
    return ["api", *pages, endpoint, "--jq", jq]


class Runner(Protocol):
    def read(self, endpoint: str, jq: str, placeholder: str = "") -> str: ...

    def write(
        self, method: str, endpoint: str, body: Any | None = None, note: str = ""
    ) -> None: ...


class Live:
    """Runs every call; a failed one stops the run with gh's message (``gh.gh``)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def read(self, endpoint: str, jq: str, placeholder: str = "") -> str:
        if (endpoint, jq) not in self.seen:
            self.seen[endpoint, jq] = gh(*read_args(endpoint, jq)).strip()
        return self.seen[endpoint, jq]

    def write(self, method: str, endpoint: str, body: Any | None = None, note: str = "") -> None:
        stdin = None if body is None else json.dumps(body)
        gh(*api_args(method, endpoint, body), stdin=stdin)
        print(f"{method} {endpoint}: done")


class DryRun:
    """Prints each call as the shell command that would run; ``lines`` keeps them for tests."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def _emit(self, text: str) -> None:
        self.lines.append(text)
        print(text)

    def read(self, endpoint: str, jq: str, placeholder: str = "") -> str:
        command = "gh " + shlex.join(read_args(endpoint, jq))
        if command not in self.lines:
            self._emit(command)
        return placeholder

    def write(self, method: str, endpoint: str, body: Any | None = None, note: str = "") -> None:
        if note:
            self._emit(f"# {note}")
        command = "gh " + shlex.join(api_args(method, endpoint, body))
        if body is None:
            self._emit(command)
            return
        self._emit(f"{command} <<'JSON'\n{json.dumps(body, indent=2)}\nJSON")
