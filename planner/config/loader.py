"""Load a YAML config into pydantic models, reporting every error with its key path, line and column."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from planner.config.schema import Config
from planner.errors import ConfigError

MAX_ERRORS = 20


def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read and validate the YAML config at path; overrides are dotted keys ('solver.time_limit_s') set on top."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    return parse_config(text, source=str(path), base_dir=path.parent, overrides=overrides)


def parse_config(
    text: str,
    source: str = "<config>",
    base_dir: Path = Path("."),
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Validate config YAML text; relative input paths resolve against base_dir."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}{where}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections (site, channels, …) at the top level")
    for dotted, value in (overrides or {}).items():
        _set_dotted(data, dotted, value)
    positions = _positions(node)
    try:
        return Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        messages = [_describe(err, data, positions, source) for err in exc.errors()]
        shown = messages[:MAX_ERRORS]
        more = len(messages) - len(shown)
        body = "\n".join(f"  - {m}" for m in shown) + (f"\n  … and {more} more" if more > 0 else "")
        raise ConfigError(f"{source}: invalid configuration\n{body}") from None


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _positions(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, tuple[int, int]]:
    """Map each key path (as pydantic reports it) to the 1-based (line, column) of its key or item."""
    out: dict[tuple, tuple[int, int]] = {}
    if node is None:
        return out
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out.update({k: v for k, v in _positions(value_node, path + (key,)).items() if k != path + (key,)})
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.update(_positions(item, path + (i,)))
    return out


def _format_path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union/tag markers (e.g. 'ServiceLevelTarget', 'function-after[...]') from a location."""
    cleaned = []
    for part in loc:
        if isinstance(part, str) and (part[:1].isupper() or "[" in part or part in {"str", "literal['closed']"}):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that holds the key at loc (for 'did you mean')."""
    model: Any = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        model = _first_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _describe(err: dict, data: dict, positions: dict, source: str) -> str:
    loc = _clean_loc(tuple(err["loc"]))
    where = _format_path(loc)
    line_col = positions.get(loc) or positions.get(loc[:-1])
    at = f" (line {line_col[0]}, column {line_col[1]})" if line_col else ""
    if err["type"] == "extra_forbidden":
        model = _model_at(loc)
        valid = sorted(model.model_fields) if model else []
        valid = [v for v in valid if v != "base_dir"]
        guess = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f", did you mean '{guess[0]}'?" if guess else (f"; valid keys: {', '.join(valid)}" if valid else "")
        return f"{where}{at}: unknown key{hint}"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return f"{where}{at}: required key is missing"
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict | list) and value is not None else ""
    return f"{where}{at}: {msg}{shown}"
