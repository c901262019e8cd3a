"""Choosing a segment's ensemble on its validation weeks, by models that never saw them.

Per component a smearing factor (``ensemble.smearing``), then the NN source (``model.nn.sources``:
own, shared or average), NN weight, scale and mean weight scored by ``ensemble.select_metric``,
then the conformal quantile offsets of the chosen blend.

A segment has about a hundred validation rows, so the grid's minimum is partly noise: a blend or a
shrinkage that wins there by a hair often loses to the plain better component on the test weeks
(11 of the 28 the minimum picked on the default data). The better single component (either one
alone, unscaled, unshrunk) is therefore the reference, and the grid's best replaces it only when
a paired bootstrap over the segment's series calls it better (``ensemble.evidence``: the PR
comment's verdict, with its own level and seed). With several NN sources the reference is the best
of LASSO and each source's NN, so the source itself is picked on validation, as before.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastops.config.sections.model import ModelConfig
from forecastops.modeling.baselines import running_mean
from forecastops.modeling.calibration import conformal_offsets, duan_factor, to_units
from forecastops.modeling.ensemble import combine
from forecastops.quality.bootstrap import BETTER, KEY, paired_intervals
from forecastops.quality.metrics import SCORERS

Candidate = tuple[str, float, float, float]  # nn source, nn weight, scale, mean weight


@dataclass
class Choice:
    nn_source: str  # own | shared | average
    nn_weight: float
    scale: float
    mean_weight: float
    smearing: dict[str, float]  # component -> factor
    quantile_offsets: list[float]  # log1p scale, one per model.quantiles.levels
    source_scores: dict[str, float | None]  # each source's best validation score
    val_score: float | None  # the chosen blend's: what tune and dvc exp show compare
    val_scores: dict[str, float | None]  # every candidate's, so a reviewer sees how close it was
    evidence: dict  # the grid's best against the better single component, and the verdict


def _factor(val: pd.DataFrame, relative: np.ndarray, cfg: ModelConfig) -> float:
    return duan_factor(val, relative) if cfg.ensemble.smearing == "duan" else 1.0


def _best(
    scores: dict[Candidate, float | None], source: str | None = None, single: bool = False
) -> Candidate | None:
    """The first best candidate (grid order: stable), optionally of one source, or among the
    single components (NN weight 0 or 1, scale 1, no shrinkage)."""
    finite = {
        k: v
        for k, v in scores.items()
        if v is not None and source in (None, k[0]) and (not single or _is_single(k))
    }
    return min(finite, key=lambda k: finite[k]) if finite else None


def _is_single(candidate: Candidate) -> bool:
    _, nn_weight, scale, mean_weight = candidate
    return nn_weight in (0.0, 1.0) and scale == 1.0 and mean_weight == 0.0


def _name(candidate: Candidate) -> str:
    source, nn_weight, scale, mean_weight = candidate
    return f"nn={source},nn_weight={nn_weight},scale={scale},mean_weight={mean_weight}"


def _evidence(
    val: pd.DataFrame,
    forecasts: dict[Candidate, np.ndarray],
    scores: dict[Candidate, float | None],
    cfg: ModelConfig,
) -> tuple[Candidate, dict]:
    """The grid's best if the bootstrap calls it better than the better single component on the
    validation weeks; else that component (or the best, when the grid has no single component)."""
    # No finite score (e.g. MAPE on all-zero weeks): the grid's first candidate.
    best = _best(scores) or next(iter(forecasts))
    reference = _best(scores, single=True)
    evidence = {
        "reference": None if reference is None else _name(reference),
        "best": _name(best),
        **dict.fromkeys(("delta", "low", "high", "verdict")),
        "moved": False,
    }
    if reference is None or reference == best:
        return best, evidence
    frames = {
        k: val[KEY].assign(
            actual=val["target"], ensemble=forecasts[k], baseline=0.0, mase_scale=np.nan
        )
        for k in (reference, best)
    }
    intervals = paired_intervals(frames[reference], frames[best], cfg.ensemble.evidence)
    judged = intervals[str(val["segment"].iloc[0])][cfg.ensemble.select_metric]
    verdict = judged.verdict(lower_is_better=True, min_effect=cfg.ensemble.evidence.min_effect)
    chosen = best if verdict == BETTER else reference
    return chosen, {
        **evidence,
        "delta": judged.delta,
        "low": judged.low,
        "high": judged.high,
        "verdict": verdict,
        "moved": chosen == best,
    }


def choose_ensemble(
    val: pd.DataFrame, lasso_rel: np.ndarray, nn_rel: dict[str, np.ndarray], cfg: ModelConfig
) -> Choice:
    """The ensemble for a segment from its validation forecasts (log-relative, per NN source)."""
    grid = cfg.ensemble
    y = val["target"].to_numpy(dtype=float)
    mean = running_mean(val)
    factors = {"lasso": _factor(val, lasso_rel, cfg)}
    lasso = to_units(val, lasso_rel, factors["lasso"])
    units = {}
    for source, rel in nn_rel.items():
        factors[source] = _factor(val, rel, cfg)
        units[source] = to_units(val, rel, factors[source])
    scorer = SCORERS[grid.select_metric]
    candidates = list(
        itertools.product(nn_rel, grid.nn_weight_grid, grid.scale_grid, grid.mean_weight_grid)
    )
    forecasts = {k: combine(lasso, units[k[0]], mean, *k[1:]) for k in candidates}
    scores = {k: scorer(y, f) for k, f in forecasts.items()}
    chosen, evidence = _evidence(val, forecasts, scores, cfg)
    source, nn_weight, scale, mean_weight = chosen
    blend = forecasts[chosen]
    return Choice(
        nn_source=source,
        nn_weight=nn_weight,
        scale=scale,
        mean_weight=mean_weight,
        smearing={"lasso": factors["lasso"], "nn": factors[source]},
        quantile_offsets=conformal_offsets(y, blend, cfg.quantiles.levels),
        source_scores={s: scores[b] if (b := _best(scores, s)) else None for s in nn_rel},
        val_score=scores[chosen],
        val_scores={_name(k): v for k, v in scores.items()},
        evidence=evidence,
    )
