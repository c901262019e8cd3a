"""Events: the announced ones (events.csv) and unannounced shocks, as log demand effects per week.

An event lifts its categories over the shopping days before it (weighted towards it), so its
effect lands in the week(s) before the date and moves with the calendar year by year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.calendar import event_date
from forecastops_synth.config import EventSpec, SynthConfig
from forecastops_synth.timeline import DAY, Timeline, day64


@dataclass(frozen=True)
class Events:
    """events.csv rows (history and planned future) and their effect on history demand."""

    table: pd.DataFrame  # event_date, event_name, scope
    log_effect: np.ndarray  # region x category x history week


def make_events(cfg: SynthConfig, tl: Timeline) -> Events:
    """Every configured event on its real dates, within the generated regions."""
    regions, cats = cfg.region_ids(), cfg.category_ids()
    years = range(cfg.start_week.year - 1, int(str(tl.future_end)[:4]) + 2)
    rows = []
    log_eff = np.zeros((len(regions), len(cats), tl.n_weeks))
    for ev in cfg.events:
        scope = ["ALL"] if "ALL" in ev.scope else [r for r in ev.scope if r in regions]
        if not scope:
            continue
        reg_idx = (
            list(range(len(regions))) if scope == ["ALL"] else [regions.index(r) for r in scope]
        )
        lift = np.zeros(len(cats))
        for c, v in ev.lifts.items():
            lift[cats.index(c)] = v
        dates, daily = _dates_and_shopping_days(ev, tl, years)
        rows.extend((d, ev.name, s) for d in dates for s in scope)
        weekly = daily.reshape(tl.n_weeks, 7).sum(axis=1)
        log_eff[reg_idx] += lift[None, :, None] * weekly[None, None, :]
    ev_df = pd.DataFrame(rows, columns=["event_date", "event_name", "scope"])
    ev_df["_scope_all"] = ev_df["scope"] != "ALL"
    table = (
        ev_df.sort_values(["event_date", "_scope_all", "scope", "event_name"], kind="stable")
        .drop(columns="_scope_all")
        .reset_index(drop=True)
    )
    return Events(table=table, log_effect=log_eff)


def _dates_and_shopping_days(
    ev: EventSpec, tl: Timeline, years: range
) -> tuple[list[str], np.ndarray]:
    """The event's dates from start to future_end, and its shopping weight per history day:
    the days before it rising towards it, the day itself half, one unit per occurrence."""
    k = ev.shop_days
    w = np.concatenate([np.arange(1, k + 1, dtype=float), [k / 2]])
    w /= w.sum()
    dates, daily = [], np.zeros(tl.n_days)
    for y in years:
        d = day64(event_date(ev, y))
        if tl.start <= d <= tl.future_end:
            dates.append(str(d))
        pos = int((d - tl.start) // DAY) - k + np.arange(k + 1)
        ok = (pos >= 0) & (pos < tl.n_days)
        daily[pos[ok]] += w[ok]
    return dates, daily


def shock_effects(cfg: SynthConfig, tl: Timeline) -> np.ndarray:
    """Log effect (category x history week) of the unannounced shocks: full lifts while pantry
    loading, then `after_lifts` fading linearly to nothing."""
    cats = cfg.category_ids()
    out = np.zeros((len(cats), tl.n_weeks))
    for sh in cfg.shocks:
        w0 = int((day64(sh.start) - tl.start) // DAY) // 7
        for lifts, lo, n, fading in (
            (sh.lifts, w0, sh.weeks, False),
            (sh.after_lifts, w0 + sh.weeks, sh.after_weeks, True),
        ):
            prof = np.zeros(tl.n_weeks)
            idx = np.arange(lo, lo + n)
            ok = (idx >= 0) & (idx < tl.n_weeks)
            prof[idx[ok]] = (1 - np.arange(n) / max(n, 1))[ok] if fading else 1.0
            for c, v in lifts.items():
                out[cats.index(c)] += v * prof
    return out
