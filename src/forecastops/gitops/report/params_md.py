"""The params a change touched, as ``dvc params diff --md`` prints them against the base revision
(``params.yaml`` as composed from ``conf/``: a region override shows as
``segments.all_regions.<region>.model...``)."""

from __future__ import annotations

from forecastops.dvc_cli import run_dvc
from forecastops.gitops.report.sources import is_workspace


def params_diff(base: str, head: str | None = None) -> list[str]:
    """The rows of ``dvc params diff base [head] --md`` (header kept); ``[]`` when none changed."""
    args = ["params", "diff", base, *([] if is_workspace(head) else [head]), "--md"]
    lines = [ln for ln in run_dvc(args, ".", capture=True).stdout.splitlines() if ln.strip()]
    return lines if len(lines) > 2 else []  # a header and its rule: nothing changed


def params_section(rows: list[str], base_label: str, heading_level: int = 3) -> list[str]:
    h = "#" * heading_level
    if not rows:
        return [f"{h} Params: none changed vs `{base_label}` (`dvc params diff`)", ""]
    return [f"{h} Params changed vs `{base_label}` (`dvc params diff --md`)", "", *rows, ""]
