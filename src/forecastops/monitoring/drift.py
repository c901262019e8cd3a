"""Data drift between the training window and the latest weeks, feature by feature.

Numeric features: the population stability index (PSI, on quantile bins of the reference) and the
two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``: its statistic D and p-value).
Categorical ones: PSI over the categories and the chi-square test of the reference-vs-current
counts (``scipy.stats.chi2_contingency``) with Cramer's V as its effect size. Alerts judge effect
sizes (PSI, D, V): on 10^5 rows any difference has a tiny p-value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency, ks_2samp
from scipy.stats.contingency import association

from forecastops.config.sections.monitor import DriftConfig
from forecastops.monitoring.alerts import Alert, level_of


def _psi(ref_share: np.ndarray, cur_share: np.ndarray, epsilon: float) -> float:
    ref, cur = np.maximum(ref_share, epsilon), np.maximum(cur_share, epsilon)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def numeric_drift(ref: np.ndarray, cur: np.ndarray, cfg: DriftConfig) -> dict:
    """PSI on the reference's quantile bins (ties merged) and the KS test."""
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, cfg.bins + 1)))
    inner = edges[1:-1]  # outer bins are open: current values beyond the reference still count
    ref_n = np.bincount(np.searchsorted(inner, ref, side="right"), minlength=len(inner) + 1)
    cur_n = np.bincount(np.searchsorted(inner, cur, side="right"), minlength=len(inner) + 1)
    ks = ks_2samp(ref, cur)
    return {
        "kind": "numeric",
        "psi": _psi(ref_n / len(ref), cur_n / len(cur), cfg.epsilon),
        "ks": float(ks.statistic),
        "ks_p": float(ks.pvalue),
        "ref_mean": float(np.mean(ref)),
        "cur_mean": float(np.mean(cur)),
    }


def categorical_drift(ref: pd.Series, cur: pd.Series, cfg: DriftConfig) -> dict:
    """PSI over the categories, chi-square test of the counts and Cramer's V."""
    counts = pd.concat([ref.value_counts(), cur.value_counts()], axis=1).fillna(0).to_numpy()
    out = {"kind": "categorical", "categories": len(counts)}
    out["psi"] = _psi(counts[:, 0] / len(ref), counts[:, 1] / len(cur), cfg.epsilon)
    if len(counts) < 2:  # one category on both sides: nothing to test
        return {**out, "chi2": 0.0, "chi2_p": 1.0, "cramers_v": 0.0}
    test = chi2_contingency(counts.T)
    v = association(counts.T.astype(np.int64), method="cramer")
    return {**out, "chi2": float(test.statistic), "chi2_p": float(test.pvalue), "cramers_v": v}


def compare(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    features: list[str],
    cfg: DriftConfig,
    min_rows: int,
) -> dict:
    """Each feature's drift (numeric unless listed in ``cfg.categorical``); features with fewer
    than ``min_rows`` values on either side are reported as skipped, not tested."""
    out = {}
    for feature in features:
        ref, cur = reference[feature].dropna(), current[feature].dropna()
        if min(len(ref), len(cur)) < min_rows:
            out[feature] = {"skipped": f"fewer than {min_rows} rows ({len(ref)}, {len(cur)})"}
        elif feature in cfg.categorical:
            out[feature] = categorical_drift(ref.astype(str), cur.astype(str), cfg)
        else:
            out[feature] = numeric_drift(ref.to_numpy(float), cur.to_numpy(float), cfg)
        out[feature].update(n_ref=len(ref), n_cur=len(cur))
    return out


def latest_weeks(features: pd.DataFrame, current_weeks: int) -> np.ndarray:
    """The latest ``current_weeks`` history weeks (fewer where the history is shorter), sorted."""
    history = features["split"] != "future"  # a mask: copying the history first cost a third
    return np.sort(features.loc[history, "week_start"].unique())[-current_weeks:]


def windows(features: pd.DataFrame, current_weeks: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training rows, current rows): the ``train`` split, and the latest ``current_weeks``
    history weeks."""
    history = features["split"] != "future"
    current = history & features["week_start"].isin(latest_weeks(features, current_weeks))
    return features[features["split"] == "train"], features[current]


def seasonal(train: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The training rows of the weeks of the year the current weeks cover."""
    return train[train["week_of_year"].isin(current["week_of_year"].unique())]


def novelty(train: pd.DataFrame, current: pd.DataFrame, columns: list[str]) -> dict:
    """Per column: the values of the current weeks never seen in training, and their share of
    the current rows (a new product family, a new store)."""
    out = {}
    for column in columns:
        unseen = ~current[column].isin(train[column].unique())
        values = sorted(current.loc[unseen, column].astype(str).unique())
        out[column] = {
            "new_share": float(unseen.mean()),
            "new": len(values),
            "examples": values[:5],
        }
    return out


def drift_alerts(results: dict, cfg: DriftConfig, segment: str | None = None) -> list[Alert]:
    """An alert per effect size over its threshold (PSI, KS D, Cramer's V)."""
    alerts = []
    for feature, result in results.items():
        for figure in ("psi", "ks", "cramers_v", "new_share"):
            threshold = getattr(cfg.thresholds, figure)
            level = level_of(result.get(figure), threshold)
            if level:
                value = result[figure]
                where = f" in {segment}" if segment else ""
                alerts.append(
                    Alert(
                        level,
                        "drift",
                        segment,
                        f"{figure}({feature})",
                        value,
                        getattr(threshold, level),
                        f"{feature}{where}: {figure} {value:.3f} >= {getattr(threshold, level)}",
                    )
                )
    return alerts
