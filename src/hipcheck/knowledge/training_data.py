"""Load the training-load rules (knowledge/data/training.yaml) as a validated `TrainingRules`.

Owns: the model of training.yaml (thresholds with their sources, runner-facing text templates),
reading it from the packaged knowledge base (or any directory, for tests) and reporting every
problem the way knowledge.load does (``file: entity: field: what``), including a source id that
sources.yaml does not list. The metrics that use the rules live in training.metrics.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.load import _entries, _Problems, _read_yaml, _validate, default_root

TRAINING_FILE = "training.yaml"
SOURCES_FILE = "sources.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    """One number with clinical meaning and the sources it rests on."""

    value: float = Field(gt=0)
    sources: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class Thresholds(_Strict):
    """Several numbers of one kind (band edges) and the sources they rest on."""

    values: tuple[float, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class Shoes(_Strict):
    check_miles: Threshold
    replace_miles: Threshold

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.replace_miles.value <= self.check_miles.value:
            raise ValueError("replace_miles must be more than check_miles")
        return self


def _fraction(t: Threshold, name: str) -> None:
    if not 0 < t.value <= 1:
        raise ValueError(f"{name} is a fraction (0.3 = 30 %) and must be above 0 and at most 1")


def _whole(t: Threshold, name: str) -> None:
    if t.value != int(t.value):
        raise ValueError(f"{name} must be a whole number")


class Spike(_Strict):
    threshold: Threshold
    window_days: Threshold
    bands: Thresholds

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        _fraction(self.threshold, "threshold")
        _whole(self.window_days, "window_days")
        if any(edge <= 0 for edge in self.bands.values) or len(set(self.bands.values)) < len(
            self.bands.values
        ):
            raise ValueError("bands must be different fractions above 0")
        if min(self.bands.values) != self.threshold.value:
            raise ValueError("the smallest of bands must be the spike threshold")
        return self


class WeeklyRise(_Strict):
    threshold: Threshold
    min_rise_m: Threshold
    lookback_weeks: Threshold

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        _fraction(self.threshold, "threshold")
        _whole(self.lookback_weeks, "lookback_weeks")
        if self.lookback_weeks.value < 2:
            raise ValueError("lookback_weeks must be at least 2 (two blocks are compared)")
        return self


class Cadence(_Strict):
    increase_low: Threshold
    increase_high: Threshold

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        _fraction(self.increase_low, "increase_low")
        _fraction(self.increase_high, "increase_high")
        if self.increase_high.value < self.increase_low.value:
            raise ValueError("increase_high must be at least increase_low")
        return self


# The names each text may use, filled in by training.metrics.
TEXT_FIELDS: dict[str, frozenset[str]] = {
    "shoe_check": frozenset({"shoe", "logged", "check_miles", "check_km"}),
    "shoe_replace": frozenset({"shoe", "logged", "replace_miles", "replace_km"}),
    "shoe_ok": frozenset({"shoe", "logged", "check_miles"}),
    "cadence_hint": frozenset({"median", "low_pct", "high_pct", "low", "high"}),
    "spike_definition": frozenset({"spike_pct", "window_days"}),
    "spike_evidence": frozenset({"before", "after", "day", "increase_pct", "window_days"}),
    "weekly_rise_evidence": frozenset({"before", "after", "half", "day", "increase_pct"}),
    "no_increase": frozenset({"weeks", "spike_pct", "rise_pct", "longest"}),
}


class Texts(_Strict):
    """Runner-facing templates; ``{name}`` placeholders only from TEXT_FIELDS."""

    shoe_check: str
    shoe_replace: str
    shoe_ok: str
    cadence_hint: str
    spike_definition: str
    spike_evidence: str
    weekly_rise_evidence: str
    no_increase: str

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        for name, allowed in TEXT_FIELDS.items():
            try:
                used = {f for _, f, _, _ in string.Formatter().parse(getattr(self, name)) if f is not None}
            except ValueError as exc:
                raise ValueError(f"{name}: not a valid template ({exc})") from exc
            unknown = sorted(f or "{}" for f in used - allowed)
            if unknown:
                allowed_text = ", ".join(sorted(allowed))
                raise ValueError(
                    f"{name}: unknown placeholder(s) {', '.join(unknown)} (allowed: {allowed_text})"
                )
        return self


class TrainingRules(_Strict):
    """Everything training.metrics needs that has clinical meaning."""

    shoes: Shoes
    spike: Spike
    weekly_rise: WeeklyRise
    cadence: Cadence
    texts: Texts

    def thresholds(self) -> dict[str, Threshold | Thresholds]:
        """Every threshold by ``group.name`` (for the source check and documentation)."""
        out: dict[str, Threshold | Thresholds] = {}
        for group in ("shoes", "spike", "weekly_rise", "cadence"):
            model = getattr(self, group)
            for name in type(model).model_fields:
                out[f"{group}.{name}"] = getattr(model, name)
        return out


def load_training_rules(root: Traversable | Path | str | None = None) -> TrainingRules:
    """The training rules; raise KnowledgeBaseError listing every problem in training.yaml.

    With no ``root`` the packaged copy is loaded once and cached.
    """
    if root is None:
        return _load_default()
    return _load(Path(root) if isinstance(root, str) else root)


@lru_cache(maxsize=1)
def _load_default() -> TrainingRules:
    return _load(default_root())


def _source_ids(root: Traversable, problems: _Problems) -> set[str] | None:
    ok, data = _read_yaml(root.joinpath(SOURCES_FILE), SOURCES_FILE, problems)
    entries = _entries(data, "sources", SOURCES_FILE, problems) if ok else None
    return None if entries is None else {str(raw.get("id")) for _, raw in entries}


def _load(root: Traversable) -> TrainingRules:
    problems = _Problems()
    ok, data = _read_yaml(root.joinpath(TRAINING_FILE), TRAINING_FILE, problems)
    rules: TrainingRules | None = None
    if ok:
        if isinstance(data, Mapping):
            raw: dict[str, Any] = dict(data)
            rules = _validate(TrainingRules, raw, TRAINING_FILE, "training", problems)
        else:
            problems.add(TRAINING_FILE, "training", "-", f"expected a mapping, got {type(data).__name__}")
    known = _source_ids(root, problems)
    if rules is not None and known is not None:
        for where, threshold in rules.thresholds().items():
            for sid in threshold.sources:
                if sid not in known:
                    problems.add(TRAINING_FILE, "training", f"{where}.sources", f"unknown source id {sid!r}")
    if problems.items or rules is None:
        raise KnowledgeBaseError(problems.items or [f"{TRAINING_FILE}: training: -: could not be read"])
    return rules
