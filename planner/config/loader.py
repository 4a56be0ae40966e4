"""Load a YAML config into pydantic models, reporting every error with its key path, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from planner.config.schema import Config, LocatedError
from planner.errors import ConfigError

MAX_ERRORS = 20
# libyaml's parser when installed (same results, about ten times faster); its marks carry lines and columns too
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32  # nesting levels of mappings and lists
MAX_VALUES = 100_000  # values after expanding YAML aliases
M = TypeVar("M", bound=BaseModel)


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
    node, data = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}, line 1, column 1: expected a mapping of sections (site, channels, …) at the top level")
    for dotted, value in (overrides or {}).items():
        _set_dotted(data, dotted, value)
    positions = _positions(node, source)
    try:
        return Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        raise _invalid(exc, positions, source, Config, "configuration") from None


def parse_document(text: str, source: str, model: type[M], what: str, context: dict[str, Any] | None = None) -> M:
    """Validate YAML text (a mapping) into model with the config's reporting: key path, line, column, did-you-mean;
    context reaches the model's validators (e.g. the site's channel names)."""
    node, data = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}, line 1, column 1: expected a mapping at the top level of a {what}")
    positions = _positions(node, source)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise _invalid(exc, positions, source, model, what) from None


def _invalid(exc: ValidationError, positions: dict, source: str, root: type[BaseModel], what: str) -> ConfigError:
    messages = [_describe(err, positions, root) for err in exc.errors()]
    shown = messages[:MAX_ERRORS]
    more = len(messages) - len(shown)
    body = "\n".join(f"  - {m}" for m in shown) + (f"\n  … and {more} more" if more > 0 else "")
    return ConfigError(f"{source}: invalid {what}\n{body}")


def _read_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The composed node tree and the constructed data, refusing deep nesting and alias bombs before building."""
    _check_encodable(text, source)
    try:
        _check_depth(text, source)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            _check_expansion(node, source)
            return node, _construct(loader, node, source)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ", line 1, column 1"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}{where}: not valid YAML ({problem})") from None


def _check_encodable(text: str, source: str) -> None:
    """ConfigError at the first character no UTF-8 file can hold (a lone surrogate from a bad decode)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise ConfigError(f"{source}, line {line}, column {column}: character U+{ord(text[exc.start]):04X} is not "
                          "valid text; save the file as UTF-8") from None


def _at(source: str, mark: yaml.Mark) -> str:
    return f"{source}, line {mark.line + 1}, column {mark.column + 1}"


def _check_depth(text: str, source: str) -> None:
    # PyYAML composes and constructs recursively: check the nesting on the (iterative) event stream first
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(f"{_at(source, event.start_mark)}: nested more than {MAX_DEPTH} levels deep; "
                                  "a planner config needs a handful of levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_VALUES values, or refer to themselves."""
    # sizes are memoised per node, so a chain of aliases of aliases costs its literal size, not its expansion
    size: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        children = _children(node)
        if children_done:
            in_progress.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            if size[id(node)] > MAX_VALUES:
                raise ConfigError(f"{_at(source, node.start_mark)}: this value expands (through YAML aliases) to more than "
                                  f"{MAX_VALUES:,} values; a planner config needs far fewer (is it an alias bomb?)")
            continue
        in_progress.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in in_progress:
                raise ConfigError(f"{_at(source, child.start_mark)}: an alias refers to a value that contains it; "
                                  "a config cannot be recursive")
            if id(child) not in size:
                stack.append((child, False))


def _construct(loader: Any, node: yaml.Node, source: str) -> Any:
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date like 2026-13-45, or !!int on text
        culprit = _failing_scalar(node)
        mark = culprit.start_mark if culprit is not None else node.start_mark
        raise ConfigError(f"{_at(source, mark)}: cannot read this value ({exc})") from None


def _failing_scalar(root: yaml.Node) -> yaml.ScalarNode | None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(node, deep=True)
            except (ValueError, TypeError, OverflowError):
                return node
        stack.extend(reversed(_children(node)))
    return None


def _set_dotted(data: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _positions(root: yaml.Node | None, source: str) -> dict[tuple, tuple[int, int]]:
    """Map each key path (as pydantic reports it) to the 1-based (line, column) of its key or item.

    Raises ConfigError on a key written twice in one mapping (YAML would silently keep the last).
    """
    out: dict[tuple, tuple[int, int]] = {}
    if root is None:
        return out
    checked: set[int] = set()
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:  # bounded by MAX_VALUES: _check_expansion ran first
        node, path = stack.pop()
        out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            if id(node) not in checked:
                checked.add(id(node))
                _check_duplicates(node, path, source)
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
                out[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return out


def _check_duplicates(node: yaml.MappingNode, path: tuple, source: str) -> None:
    first: dict[tuple[str, str], yaml.Node] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        seen = first.setdefault((key_node.tag, key_node.value), key_node)
        if seen is not key_node:
            where = _format_path(path + (key_node.value,))
            raise ConfigError(f"{_at(source, key_node.start_mark)}: duplicate key {where} (first at line "
                              f"{seen.start_mark.line + 1}, column {seen.start_mark.column + 1}); "
                              "YAML would keep only the last one: remove or merge one of them")


def _format_path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _model_names() -> frozenset[str]:
    """Class names of the config's models: pydantic puts them in error locations for union branches."""
    from planner.config import schema

    return frozenset(name for name, obj in vars(schema).items() if isinstance(obj, type) and issubclass(obj, BaseModel))


_MODEL_NAMES = _model_names()
_MARKER = re.compile(r"^[a-z]+(-[a-z]+)*\[")  # pydantic's validator markers, e.g. 'function-after[check(), Site]'


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union/tag markers (e.g. 'ServiceLevelTarget', 'function-after[...]') from a location."""
    cleaned = []
    for part in loc:
        if isinstance(part, str) and (part in _MODEL_NAMES or _MARKER.match(part) or part in {"str", "literal['closed']"}):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _model_at(loc: tuple, root: type[BaseModel] = Config) -> type[BaseModel] | None:
    """The pydantic model class that holds the key at loc (for 'did you mean')."""
    model: Any = root
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


def _describe(err: dict, positions: dict, root: type[BaseModel] = Config) -> str:
    loc = _clean_loc(tuple(err["loc"]))
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, LocatedError):  # a cross-field rule names the key to blame
        loc = loc + located.loc
    where = _format_path(loc)
    known = next(loc[:n] for n in range(len(loc), -1, -1) if loc[:n] in positions or n == 0)
    line_col = positions.get(known, (1, 1))
    at = f" (line {line_col[0]}, column {line_col[1]})"
    if err["type"] == "extra_forbidden":
        model = _model_at(loc, root)
        valid = sorted(model.model_fields) if model else []
        valid = [v for v in valid if v != "base_dir"]
        guess = difflib.get_close_matches(str(loc[-1]) if loc else "", valid, n=1, cutoff=0.5)
        hint = f", did you mean '{guess[0]}'?" if guess else (f"; valid keys: {', '.join(valid)}" if valid else "")
        return f"{where}{at}: unknown key{hint}"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return f"{where}{at}: required key is missing"
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict | list) and value is not None else ""
    hint = _number_hint(value) if err["type"] in ("float_type", "int_type") else ""
    return f"{where}{at}: {msg}{shown}{hint}"


def _number_hint(value: object) -> str:
    """Why a number read as text: quotes, or YAML 1.1 exponents, which need a dot and a sign (1.0e+12, not 1e12)."""
    if not isinstance(value, str):
        return ""
    try:
        number = float(value.strip())
    except ValueError:
        return ""
    if number != number or number in (float("inf"), float("-inf")):
        return ""
    if re.search(r"[eE]", value):
        return f"; YAML reads this exponent as text: write {number:.1e} with a dot and a sign, or the plain number"
    return "; it is text in YAML: write the number without quotes"
