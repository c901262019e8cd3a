"""An alert: what crossed which threshold, at which level. One shape for every kind of check, so
the report, the exit code, the webhook and the dashboard read the same list."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from forecastops.config.sections.monitor import LEVELS, Threshold


@dataclass(frozen=True)
class Alert:
    level: str  # warn | alert
    kind: str  # drift | quality | accuracy | stale
    segment: str | None  # region/format/velocity, or None for the whole data
    figure: str  # what was measured, e.g. "psi(temperature_c)", "mape", "age_days"
    value: float | None
    threshold: float | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def level_of(value: float | None, threshold: Threshold) -> str | None:
    """``alert`` at or above the alert threshold, ``warn`` at or above warn, else None."""
    if value is None:
        return None
    if value >= threshold.alert:
        return "alert"
    return "warn" if value >= threshold.warn else None


def rank(level: str | None) -> int:
    """0 for none, then ascending with ``LEVELS``; ``never`` ranks above every level."""
    if level is None:
        return 0
    return LEVELS.index(level) + 1 if level in LEVELS else len(LEVELS) + 1


def reaching(alerts: list[dict], level: str) -> list[dict]:
    """The alerts (report dicts) at ``level`` or worse."""
    return [a for a in alerts if rank(a["level"]) >= rank(level)]


def summary(alerts: list[dict]) -> dict:
    """Counts per level and kind, and the worst level (None: all quiet)."""
    counts = {level: sum(a["level"] == level for a in alerts) for level in LEVELS}
    kinds: dict[str, int] = {}
    for a in alerts:
        kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    worst = max((a["level"] for a in alerts), key=rank, default=None)
    return {"alerts": len(alerts), "by_level": counts, "by_kind": kinds, "worst": worst}
