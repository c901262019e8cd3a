"""Which weekly-table columns may be model inputs, checked twice: by name and kind when ``conf/`` is
composed (``config_problems``: no pipeline run needed to catch a misspelt feature), and on the real
table by ``featurize`` (``missing_columns``). Numeric inputs with no value at all in a segment are
reported once and set to 0 there (``fill_empty``): the models would standardise them to a constant 0
anyway, and numpy would warn about them in every fit.
"""

from __future__ import annotations

import pandas as pd

from forecastops.config.sections.data import DataConfig
from forecastops.config.sections.features import FeaturesConfig
from forecastops.data.table import BASE_SCHEMA

# categories featurize derives from the table (features.build), not columns of the table itself
DERIVED_CATEGORICALS = ("week_of_year", "event")
# the demand the models forecast: a same-week input would leak the target
DEMAND = ("units_shipped", "units_returned", "net_demand")
# engineered inputs computed from the demand history, like the lags: missing means "no history yet"
HISTORY_ENGINEERED = ("rstd", "zero_share")


def table_inputs(data: DataConfig) -> tuple[list[str], list[str]]:
    """(numeric, categorical) columns the weekly table offers as inputs for this data config."""
    covariates = data.sources.covariate_kinds()
    numeric = [
        *(c for c, kind in BASE_SCHEMA.items() if kind in ("float", "int") and c not in DEMAND),
        *data.demographics,
        *(c for c, kind in covariates.items() if kind == "numeric"),
    ]
    categorical = [
        *(c for c, kind in BASE_SCHEMA.items() if kind == "string"),
        *DERIVED_CATEGORICALS,
        *(c for c, kind in covariates.items() if kind == "category"),
    ]
    return numeric, categorical


def _misplaced(key: str, names: list[str], wanted: list[str], other: list[str], hint: str) -> list:
    """One problem per name of ``key`` that is not in ``wanted`` (``hint`` when it is in ``other``)."""
    return [
        f"{key}: {name!r} " + (hint if name in other else "is not a column of the weekly table")
        for name in names
        if name not in wanted
    ]


def config_problems(features: FeaturesConfig, data: DataConfig) -> list[str]:
    """Feature names that are no input of the table (or of the wrong kind), and covariates that
    would shadow a standard column; empty when the config is consistent."""
    numeric, categorical = table_inputs(data)
    clashes = [
        f"data.sources.covariates: {c!r} is a standard column of the weekly table"
        for c in data.sources.covariate_kinds()
        if c in BASE_SCHEMA or c in data.demographics or c in DERIVED_CATEGORICALS
    ]
    known = f"(numeric: {', '.join(numeric)}; categorical: {', '.join(categorical)})"
    problems = [
        *_misplaced(
            "features.numeric_exogenous",
            features.numeric_exogenous,
            numeric,
            categorical,
            "is a category: declare it in features.categoricals",
        ),
        *_misplaced(
            "features.categoricals",
            features.categoricals,
            categorical,
            numeric,
            "is numeric: declare it in features.numeric_exogenous",
        ),
        *_misplaced("features.demographics", features.demographics, data.demographics, [], ""),
    ]
    return clashes + ([f"{'; '.join(problems)} {known}"] if problems else [])


def missing_columns(table: pd.DataFrame, cfg: FeaturesConfig) -> list[str]:
    """Columns named in conf/features that the weekly table lacks."""
    named = [
        cfg.target,
        *cfg.numeric_exogenous,
        *cfg.demographics,
        *(c for c in cfg.categoricals if c not in DERIVED_CATEGORICALS),
        "region",
        "store_format",
    ]
    return [c for c in dict.fromkeys(named) if c not in table.columns]


def fill_empty(features: pd.DataFrame, cfg: FeaturesConfig) -> dict[str, list[str]]:
    """Set numeric inputs other than the demand history (lags, windows: missing there means no
    history yet) to 0 in segments where they have no value at all; returns column -> those
    segments (``describe_empty`` words them, once for every region)."""
    engineered = [c for c in cfg.engineered if c not in HISTORY_ENGINEERED]
    columns = list(dict.fromkeys([*engineered, *cfg.numeric_exogenous, *cfg.demographics]))
    present = features[columns].notna().groupby(features["segment"]).any()
    empty = {}
    for column in columns:
        segments = present.index[~present[column]]
        if not segments.empty:
            features.loc[features["segment"].isin(segments), column] = 0.0
            empty[column] = list(segments)
    return empty


def describe_empty(empty: dict[str, list[str]], n_segments: int) -> list[str]:
    """One line per column ``fill_empty`` set to 0 somewhere, out of ``n_segments`` segments."""
    notes = []
    for column, segments in empty.items():
        segments = sorted(segments)
        where = (
            "any segment"
            if len(segments) == n_segments
            else f"{len(segments)} of {n_segments} segments ({', '.join(segments[:3])}"
            + (", ...)" if len(segments) > 3 else ")")
        )
        notes.append(f"{column} has no value in {where}: a constant 0 there")
    return notes
