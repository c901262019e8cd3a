"""The base of every typed config section: unknown keys are refused, so a misspelt key in conf/
fails when the config is composed instead of being silently ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
