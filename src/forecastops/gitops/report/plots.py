"""The plot images of the segments a PR changed, linked relative to the comment file (CML uploads
local image paths it finds in the markdown)."""

from __future__ import annotations

import os
import re
from pathlib import Path

IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif")


def _normalise(text: str) -> str:
    return re.sub(r"[/\\\-_]+", "_", text.lower())


def find_plots(plots_dir: str | Path, segments: list[str]) -> dict[str, list[Path]]:
    """Image files under ``plots_dir`` whose relative path names one of ``segments``
    (``texas/large/fast.png``, ``texas_large_fast_forecast.png``, ``texas/large_fast.svg`` …)."""
    plots_dir = Path(plots_dir)
    if not plots_dir.is_dir():
        return {}
    images = sorted(p for p in plots_dir.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    stems = [
        (img, "_" + _normalise(img.relative_to(plots_dir).with_suffix("").as_posix()) + "_")
        for img in images
    ]
    found: dict[str, list[Path]] = {}
    for seg in segments:
        key = "_" + _normalise(seg) + "_"
        hits = [img for img, stem in stems if key in stem]
        if hits:
            found[seg] = hits
    return found


def plot_links(
    plots_dir: str | Path, segments: list[str], comment: str | Path
) -> dict[str, list[str]]:
    """``find_plots`` as paths relative to the directory of the ``comment`` markdown file."""
    comment_dir = Path(comment).resolve().parent
    return {
        seg: [Path(os.path.relpath(f.resolve(), comment_dir)).as_posix() for f in files]
        for seg, files in find_plots(plots_dir, segments).items()
    }
