"""``forecastops report publish``: the comment with its local images swapped for public URLs, for
the GitHub job summary (all a fork's pull request gets), which cannot show files of the runner.

Each local image ``![alt](path)`` (relative to the markdown file) is handed to a publishing command
(``cml asset publish``: uploads to CML's asset store and prints the URL, no token needed; the PR
comment itself goes through ``cml comment create``, which uploads the same way) and its link is
replaced by the URL printed. An image that cannot be published becomes a line naming the file (it
is in the run's ``pr-report`` artifact), never a broken image; a link to a missing file is an error.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from forecastops.errors import ForecastopsError

IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # https://, data:, //host


def _upload(command: list[str], path: Path) -> str | None:
    """The URL the command prints for ``path`` (its last line), or ``None`` if it fails."""
    try:
        result = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
    except OSError:
        return None
    lines = result.stdout.strip().splitlines()
    url = lines[-1].strip() if lines else ""
    return url if result.returncode == 0 and url.startswith("https://") else None


def publish(markdown: Path, command: list[str]) -> tuple[str, list[str]]:
    """The text of ``markdown`` with local images published; and the links that failed."""
    text = markdown.read_text(encoding="utf-8")
    missing = [
        link
        for _, link in IMAGE.findall(text)
        if not REMOTE.match(link) and not (markdown.parent / link).is_file()
    ]
    if missing:
        raise ForecastopsError(f"{markdown}: images not found (relative to it): {missing}")
    urls: dict[str, str | None] = {}
    failed: list[str] = []

    def swap(match: re.Match) -> str:
        alt, link = match.group(1), match.group(2)
        if REMOTE.match(link):
            return match.group(0)
        if link not in urls:
            urls[link] = _upload(command, markdown.parent / link)
        url = urls[link]
        if url is None:
            failed.append(link)
            return f"*(chart {alt}: not published; `{link}` in the run's `pr-report` artifact)*"
        return f"![{alt}]({url})"

    return IMAGE.sub(swap, text), failed
