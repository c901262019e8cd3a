"""Whether a diff moved anything beyond noise: the one line a reviewer reads first, the mark each
delta carries and the legend that says how they were judged (``bootstrap``)."""

from __future__ import annotations

from dataclasses import dataclass

from forecastops.config.sections.report import BootstrapConfig
from forecastops.gitops.report.diff import COLUMNS, MetricsDiff, differs
from forecastops.quality.bootstrap import BETTER, NOISE, NONE, SAME, WORSE, Interval

MARKS = {
    BETTER: "🟢 better",
    WORSE: "🔴 worse",
    NOISE: "⚪ within noise",
    SAME: "unchanged",
    NONE: "no interval",
}
MAX_NAMED = 6  # rows whose moves the headline spells out; the rest are counted


@dataclass(frozen=True)
class Noise:
    """The intervals of a comparison (``None``: none could be computed, ``note`` says why)."""

    intervals: dict[str, dict[str, Interval]] | None
    cfg: BootstrapConfig | None = None
    note: str = ""

    def of(self, key: str) -> dict[str, Interval]:
        return (self.intervals or {}).get(key, {})

    def verdict(self, interval: Interval | None, lower_is_better: bool) -> str:
        if interval is None:
            return NONE
        return interval.verdict(lower_is_better, self.cfg.min_effect if self.cfg else 0.0)


NO_INTERVALS = Noise(None, note="no test predictions were given")


def moves(diff: MetricsDiff, noise: Noise) -> list[tuple[str, str, str]]:
    """``(row, column title, better|worse)`` for every shown delta whose interval excludes 0."""
    out = []
    for row in [diff.overall, *diff.segments]:
        if row.status != "changed":
            continue
        for key, title, lower in COLUMNS:
            interval = noise.of(row.key).get(key)
            shown = differs((row.base or {}).get(key), (row.head or {}).get(key))
            verdict = noise.verdict(interval, lower)
            if shown and verdict in (BETTER, WORSE):
                out.append((row.key, title, verdict))
    return out


def headline(diff: MetricsDiff, noise: Noise) -> str:
    """``**No change beyond noise** …`` or ``**Beyond noise:** 2 better, 1 worse: …``."""
    if noise.intervals is None:
        return f"⚠️ Deltas carry no interval ({noise.note}): read them as unjudged."
    found = moves(diff, noise)
    added, removed = len(diff.by_status("new")), len(diff.by_status("removed"))
    extra = f"; {added} new, {removed} removed segments" if added or removed else ""
    if not found:
        judged = (
            f" ({noise.cfg.level:.0%} interval, {noise.cfg.min_effect:.0%} minimum effect)"
            if noise.cfg
            else ""
        )
        why = (
            f"every changed metric is within noise{judged}"
            if diff.by_status("changed") or diff.overall.status == "changed"
            else "the metrics are the base's"
        )
        return f"**No change beyond noise**: {why}{extra}."
    better = sum(1 for *_, v in found if v == BETTER)
    rows = list(dict.fromkeys(key for key, _, _ in found))
    named = "; ".join(_row_moves(key, found) for key in rows[:MAX_NAMED])
    more = f"; and {len(rows) - MAX_NAMED} more segments" if len(rows) > MAX_NAMED else ""
    return f"**Beyond noise:** {better} better, {len(found) - better} worse: {named}{more}{extra}."


def _row_moves(key: str, found: list[tuple[str, str, str]]) -> str:
    """```texas/large/fast` MAPE, WAPE 🔴 worse, RMSE-0 🟢 better``."""
    parts = []
    for verdict in (WORSE, BETTER):
        titles = [title for k, title, v in found if k == key and v == verdict]
        if titles:
            parts.append(f"{', '.join(titles)} {MARKS[verdict]}")
    name = f"**{key}**" if key == "overall" else f"`{key}`"
    return f"{name} {', '.join(parts)}"


def legend(noise: Noise) -> str:
    if noise.intervals is None or noise.cfg is None:
        return "Deltas are head − base (no interval: no noise judgement)."
    cfg = noise.cfg
    return (
        f"Deltas are head − base with a paired bootstrap {cfg.level:.0%} interval "
        f"({cfg.resamples:,} resamples of store × product series within each segment, seed "
        f"{cfg.seed}, `report.bootstrap`): 🟢 better / 🔴 worse only when the interval excludes 0 "
        f"and the delta is at least {cfg.min_effect:.0%} of the base's value (MAPE reduction: of "
        "MAPE's), ⚪ within noise otherwise."
    )
