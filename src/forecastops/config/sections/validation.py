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


class RangeRule(ColumnRule):
    min: float | None = None
    max: float | None = None


class MissingValuesRule(Rule):
    ALLOWED: ClassVar[frozenset[str]] = frozenset({"fail", "drop", "fill_zero", "report"})
    columns: list[str] = Field(min_length=1)


class StaleRule(Rule):
    max_age_weeks: int = Field(ge=0)
    reference_date: dt.date | None  # null: the data's own last history week (no clock)


class MinRowsRule(Rule):
    min_rows: int = Field(ge=0)


class ValidationConfig(Section):
    """The ``validation`` section of params.yaml."""

    schema_: Rule = Field(alias="schema")
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
