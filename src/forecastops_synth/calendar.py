"""Real (moving) dates of holidays and regional events, so their demand lifts move like real ones."""

from __future__ import annotations

import datetime as dt

from forecastops_synth.config import EventSpec


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 is the last one (Memorial Day)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def event_date(ev: EventSpec, year: int) -> dt.date:
    """The date of `ev` in `year` by its rule, shifted by its offset (Mardi Gras from Easter)."""
    if ev.rule == "fixed":
        base = dt.date(year, ev.month, ev.day)  # type: ignore[arg-type]
    elif ev.rule == "nth_weekday":
        base = nth_weekday(year, ev.month, ev.weekday, ev.n)  # type: ignore[arg-type]
    elif ev.rule == "easter":
        base = easter(year)
    else:  # Super Bowl Sunday: first Sunday of February until 2021, second since 2022
        base = nth_weekday(year, 2, 6, 1 if year <= 2021 else 2)
    return base + dt.timedelta(days=ev.offset_days)
