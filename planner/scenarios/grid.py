"""Sweep grids: a base scenario and axes of values, whose cartesian product is a list of scenarios (the points).

    name: Campaign size × handle time
    base:
      changes:
        - campaign: {channels: [voice, chat], start: 2026-11-25, end: 2026-11-27, uplift: 0.0}
    parameters:
      # edit a field of a base change, by its index in base.changes
      - {change: 0, field: uplift, values: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]}
      # or add a change: its kind, its fixed settings, and the field the values go in
      - {add: aht, channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, field: factor,
         values: [0.9, 1.0, 1.1, 1.2]}

Each axis has a column name (`name`, default `kind.field`, e.g. campaign.uplift). The points run through the product
with the first axis slowest (row-major: point 0 is every axis's first value, point 1 changes the last axis). A point's
scenario is the base's changes, edited, then the added changes in axis order; every point is validated as a scenario
file is, and an error names the grid's line and column (of the value, or the axis, to blame).
"""

from __future__ import annotations

import difflib
import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from planner.config.loader import parse_document
from planner.config.schema import Config, LocatedError, Strict
from planner.errors import ConfigError
from planner.scenarios.overlay import Change, Scenario, site_context

MAX_POINTS = 10_000
AXIS_KEYS = ("name", "change", "add", "field", "values")


class Base(Strict):
    """The changes every point starts from."""

    changes: list[Change] = Field(default_factory=list)


class Axis(Strict):
    """One axis: the values of one field, of a base change (change: index) or of a change it adds (add: kind)."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    name: str | None = Field(default=None, min_length=1, max_length=40)
    change: Annotated[int, Field(strict=True, ge=0)] | None = None
    # not contract: its `name` would be the axis's column name; a grid varies a contract through a base change
    add: Literal["campaign", "volume", "aht", "target", "shrinkage", "headcount", "channel_shift", "opening_hours"] | None = None
    field: str
    values: list[Any] = Field(min_length=1, max_length=1000)

    @field_validator("add", mode="before")
    @classmethod
    def _not_contract(cls, v: Any) -> Any:
        if v == "contract":
            raise ValueError("a contract change cannot be added by an axis (its name would be the axis's column name): "
                             "put it in base.changes and vary it with {change: <its index>, field: ..., values: [...]}")
        return v

    @model_validator(mode="after")
    def _one_target(self) -> Axis:
        if (self.change is None) == (self.add is None):
            raise ValueError("an axis either edits a base change (change: its index) or adds one (add: its kind); "
                             "give exactly one of them")
        settings = self.settings
        if self.change is not None and settings:
            key = next(iter(settings))
            guess = difflib.get_close_matches(key, AXIS_KEYS, n=1, cutoff=0.5)
            hint = f", did you mean '{guess[0]}'?" if guess else f"; an axis editing a base change has {', '.join(AXIS_KEYS)}"
            raise LocatedError((key,), f"unknown key{hint}")
        if self.add is not None:
            known = sorted(_model_of(self.add).model_fields)
            if self.field not in known:
                raise LocatedError(("field",), _unknown_field(self.field, self.add, known))
            if self.field in settings:
                raise LocatedError((self.field,), f"{self.field} is the axis's field: its values come from values")
        return self

    @property
    def settings(self) -> dict[str, Any]:
        """The fixed settings of an added change (the keys besides the axis's own)."""
        return dict(self.__pydantic_extra__ or {})

    def label(self, base: Base) -> str:
        """The axis's column name."""
        if self.name is not None:
            return self.name
        kind = self.add if self.add is not None else base.changes[self.change].kind
        return f"{kind}.{self.field}"


class Grid(Strict):
    """A named base scenario and its axes; the points are the cartesian product of the axes' values."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    base: Base = Field(default_factory=Base)
    parameters: list[Axis] = Field(min_length=1, max_length=8)

    @model_validator(mode="after")
    def _points_valid(self, info: ValidationInfo) -> Grid:
        edited: set[tuple[int, str]] = set()
        labels: dict[str, int] = {}
        for a, axis in enumerate(self.parameters):
            if axis.change is not None:
                if axis.change >= len(self.base.changes):
                    raise LocatedError(("parameters", a, "change"), f"base.changes has {len(self.base.changes)} change(s): "
                                       f"index {axis.change} is not one of them (the first is 0)")
                kind = self.base.changes[axis.change].kind
                known = sorted(_model_of(kind).model_fields)
                if axis.field not in known:
                    raise LocatedError(("parameters", a, "field"), _unknown_field(axis.field, kind, known))
                if (axis.change, axis.field) in edited:
                    raise LocatedError(("parameters", a, "field"), f"another axis already varies {kind}.{axis.field} of "
                                       f"change {axis.change}")
                edited.add((axis.change, axis.field))
            label = axis.label(self.base)
            if label in labels:
                raise LocatedError(("parameters", a), f"two axes are named {label!r}: give this one a name "
                                   "(name: …), it heads the sweep table's column")
            labels[label] = a
        total = 1
        for axis in self.parameters:
            total *= len(axis.values)
        if total > MAX_POINTS:
            raise LocatedError(("parameters",), f"{total:,} points: a sweep has at most {MAX_POINTS:,}; use fewer values")
        for index in itertools.product(*(range(len(axis.values)) for axis in self.parameters)):
            _point_scenario(self, index, info.context)
        return self

    @property
    def labels(self) -> list[str]:
        """The axes' column names, in axis order."""
        return [axis.label(self.base) for axis in self.parameters]

    def points(self) -> list[Point]:
        """Every point, first axis slowest; each one's scenario was validated with the grid."""
        return [Point(index=i, values=dict(zip(self.labels, (axis.values[k] for axis, k in zip(self.parameters, index,
                                                                                                 strict=True)),
                                               strict=True)), scenario=_point_scenario(self, index, None))
                for i, index in enumerate(itertools.product(*(range(len(axis.values)) for axis in self.parameters)))]


class Point(Strict):
    """One point of the grid: its position, the axis values (column name → value) and its scenario."""

    index: int
    values: dict[str, Any]
    scenario: Scenario


def _model_of(kind: str):
    return _first_model(Change.model_fields[kind].annotation)


def _first_model(annotation):
    return next(a for a in annotation.__args__ if isinstance(a, type) and issubclass(a, Strict))


def _unknown_field(field: str, kind: str, known: list[str]) -> str:
    guess = difflib.get_close_matches(field, known, n=1, cutoff=0.5)
    hint = f", did you mean '{guess[0]}'?" if guess else f"; its fields are {', '.join(known)}"
    return f"{kind} has no field {field!r}{hint}"


def point_name(values: dict[str, Any]) -> str:
    """The scenario name of a point: its axis values, e.g. 'campaign.uplift=0.1, aht.factor=0.9' (at most 80 characters)."""
    name = ", ".join(f"{k}={v}" for k, v in values.items())
    return name if len(name) <= 80 else name[:79] + "…"


def _point_scenario(grid: Grid, index: tuple[int, ...], context: dict[str, Any] | None) -> Scenario:
    """The point's scenario, validated; a failure becomes a LocatedError at the grid's value or axis to blame."""
    changes = [c.model_dump(exclude_unset=True) for c in grid.base.changes]
    owners: dict[int, int] = {}  # change index in the point's scenario → the axis that added it
    values = {}
    for a, (axis, k) in enumerate(zip(grid.parameters, index, strict=True)):
        values[axis.label(grid.base)] = axis.values[k]
        if axis.change is not None:
            kind = grid.base.changes[axis.change].kind
            changes[axis.change][kind][axis.field] = axis.values[k]
        else:
            owners[len(grid.base.changes) + len(owners)] = a
            changes.append({axis.add: {**axis.settings, axis.field: axis.values[k]}})
    try:
        return Scenario.model_validate({"name": point_name(values), "description": grid.description,
                                        "changes": changes}, context=context)
    except ValidationError as exc:
        raise _blame(grid, index, exc.errors()[0], owners) from None


def _blame(grid: Grid, index: tuple[int, ...], err: dict, owners: dict[int, int]) -> LocatedError:
    """Map an error in a point's scenario to the grid: the value of the axis that set the field, else the axis."""
    loc = tuple(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, LocatedError):
        loc = loc + located.loc
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    if len(loc) < 3 or loc[0] != "changes":
        return LocatedError(("parameters",), msg)
    j, field = loc[1], (loc[3] if len(loc) > 3 else None)
    at = ", ".join(f"{axis.label(grid.base)}={axis.values[k]}" for axis, k in zip(grid.parameters, index, strict=True))
    if j in owners:
        a = owners[j]
        axis = grid.parameters[a]
        if field == axis.field:
            return LocatedError(("parameters", a, "values", index[a]), f"{msg} (at the point {at})")
        if field is not None and field in axis.settings:
            return LocatedError(("parameters", a, field), msg)
        return LocatedError(("parameters", a), f"{field + ': ' if field else ''}{msg} (at the point {at})")
    # a base change: valid alone (it was validated as the base), so an axis's value editing it is to blame
    editors = [a for a, axis in enumerate(grid.parameters) if axis.change == j]
    a = next((a for a in editors if grid.parameters[a].field == field), editors[0] if editors else None)
    if a is None:
        return LocatedError(("base", "changes", j), msg)
    return LocatedError(("parameters", a, "values", index[a]), f"{field + ': ' if field else ''}{msg} (at the point {at})")


def load_grid(path: str | Path, channels: list[str], contracts: list[str], config: Config | None = None) -> Grid:
    """Read and validate a sweep grid file against the site's channel and contract names (ConfigError with line/column)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: sweep grid file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sweep grid file ({exc})") from None
    return parse_grid(text, str(path), channels, contracts, config)


def parse_grid(text: str, source: str, channels: list[str], contracts: list[str], config: Config | None = None) -> Grid:
    """Validate sweep grid YAML text against the site's channel and contract names."""
    return parse_document(text, source, Grid, "sweep grid", context=site_context(channels, contracts, config))
