"""The ``validation`` section: one entry per data rule, its severity and its action.

Every setting lives in ``conf/validation/``; nothing here has a default of its own, so the YAML is
the one place a rule is configured. ``forecastops.data.validate`` applies the rules (in the order of
``forecastops.data.validate.rules.RULES``).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from forecastops.config.sections.base import Section

Severity = Literal["error", "warning", "info"]
Action = Literal["fail", "drop", "clip", "fill_zero", "report"]


class Rule(Section):
    ALLOWED: ClassVar[frozenset[str]] = frozenset({"fail", "report"})

    severity: Severity
    action: Action
    enabled: bool = True

    @model_validator(mode="after")
    def _action_allowed(self) -> Rule:
        allowed = type(self).ALLOWED
        if self.action not in allowed:
            raise ValueError(
                f"action '{self.action}' not supported here; use one of {sorted(allowed)}"
            )
        return self


class RowRule(Rule):
    ALLOWED: ClassVar[frozenset[str]] = frozenset({"fail", "drop", "report"})


class ColumnRule(Rule):
    ALLOWED: ClassVar[frozenset[str]] = frozenset({"fail", "drop", "clip", "fill_zero", "report"})
    column: str


class RelativeBound(Section):
    """A bound relative to the data: ``factor`` x the ``quantile`` of the column's values on the
    raw history rows (zero-filled weeks left out), so one rule fits units, cases or dollars."""

    quantile: float = Field(gt=0, le=1)
    factor: float = Field(gt=0)

    def __str__(self) -> str:
        return f"{self.factor:g} x its {self.quantile:g} quantile"


class RangeRule(ColumnRule):
    """A column's range: each bound a number, a bound relative to the data, or null (none)."""

    min: float | RelativeBound | None = None
    max: float | RelativeBound | None = None


class MissingValuesRule(Rule):
    ALLOWED: ClassVar[frozenset[str]] = frozenset({"fail", "drop", "fill_zero", "report"})
    columns: list[str] = Field(min_length=1)


class StaleRule(Rule):
    max_age_weeks: int = Field(ge=0)
    reference_date: dt.date | None  # null: the data's own last history week (no clock)


class MinRowsRule(Rule):
    min_rows: int = Field(ge=0)


class LostRowsRule(Rule):
    """A source's rows against the last validated report: a loss above this share is a finding."""

    max_lost_share: float = Field(ge=0, lt=1)


class ShareRule(Rule):
    """A share of the table's history store-weeks: above ``max_share`` is a finding."""

    max_share: float = Field(ge=0, lt=1)


class ValidationConfig(Section):
    """The ``validation`` section of params.yaml."""

    schema_: Rule = Field(alias="schema")
    truncated_file: Rule
    lost_rows: LostRowsRule
    observed_weather: ShareRule
    unknown_store: RowRule
    unknown_product: RowRule
    duplicates: RowRule
    negative_quantity: ColumnRule
    missing_values: MissingValuesRule
    negative_net_demand: ColumnRule
    temperature_range: RangeRule
    promo_range: RangeRule
    demand_max: RangeRule
    missing_weeks: RowRule
    stale_data: StaleRule
    too_few_rows: MinRowsRule

    def rules(self) -> dict[str, Rule]:
        return {
            ("schema" if name == "schema_" else name): getattr(self, name)
            for name in type(self).model_fields
        }
