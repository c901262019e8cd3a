"""When a series sells: the store and product sale spans, and the ramps and fades at their ends.

New stores and new products start below their level and grow into it; a product about to be
discontinued fades out over its last weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops_synth.assortment import Series
from forecastops_synth.config import SynthConfig
from forecastops_synth.timeline import DAY, Timeline


@dataclass(frozen=True)
class Lifecycle:
    """Per series x history week: whether it sells, and the log effects of its ramps and fade."""

    active: np.ndarray  # store open and product on sale for the whole week
    log_ramp: np.ndarray  # store opening + product launch ramps (<= 0)
    log_fade: np.ndarray  # fade before discontinuation (<= 0)


def lifecycle(
    cfg: SynthConfig, tl: Timeline, stores: pd.DataFrame, products: pd.DataFrame, series: Series
) -> Lifecycle:
    """Sale spans from the open/close and launch/discontinue dates, with their ramps."""
    wk = tl.weeks[None, :]
    opn = stores["open_date"].to_numpy().astype("datetime64[D]")[series.store][:, None]
    cls = stores["close_date"].to_numpy().astype("datetime64[D]")[series.store][:, None]
    lau = products["launch"].to_numpy().astype("datetime64[D]")[series.prod][:, None]
    dis = products["discontinue"].to_numpy().astype("datetime64[D]")[series.prod][:, None]
    active = (wk >= opn) & (wk >= lau)
    active &= np.isnat(cls) | (wk + 6 * DAY < cls)
    active &= np.isnat(dis) | (wk + 6 * DAY < dis)
    since_open = ((wk - opn) // DAY).astype(float) / 7
    since_launch = ((wk - lau) // DAY).astype(float) / 7
    ramp = np.log1p(-0.45 * np.exp(-np.clip(since_open, 0, None) / cfg.store_ramp_weeks))
    ramp += np.log1p(-0.7 * np.exp(-np.clip(since_launch, 0, None) / cfg.launch_ramp_weeks))
    dis_f = np.where(np.isnat(dis), np.datetime64("2200-01-01"), dis)
    to_disc = ((dis_f - wk) // DAY).astype(float) / 7
    fade = np.clip(to_disc / cfg.discontinue_fade_weeks, 0.35, 1.0)
    return Lifecycle(active=active, log_ramp=ramp, log_fade=np.log(fade))
