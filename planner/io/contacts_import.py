"""Read any ACD/CRM export (one row per contact) into the contacts contract, driven by a config's `contacts_import`.

The mapping (see `planner.config.schema.ContactsImport`) says which source columns hold what, how to
build timestamps from date and time-of-day columns, how source values (queues) map to channels,
which records to drop, and when a contact counts as abandoned. The order of the steps:

1. cells are stripped; `empty_values` become empty;
2. records matching a `drop` rule are removed (each counted under the first rule it matches);
3. the channel is mapped (`unmapped: drop` removes unknown values, `error` reports them);
4. arrived_at / answered_at / ended_at are the first non-empty of their source columns; with a
   `date_column`, a time more than 12 h before the `day_anchor` time is on the next day; a time
   with a UTC offset is converted to the site's wall clock as the contract readers do, and with
   `source_timezone` so is every time without one;
5. a contact matching an `abandoned` rule (or, with no rules, one without answered_at) is abandoned
   and is never answered: its answered_at and handle_s are cleared;
6. answered_at / ended_at earlier than arrived_at by at most `clock_skew_s` are set to arrived_at;
7. the result is validated as a contacts table; errors name the source file and its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import ConfigError, DataError, Problem
from planner.io.tables import read_contacts, read_table, validate_contacts
from planner.io.timestamps import parse_with_instants
from planner.io.validation import NestedValues, nested_expected, stripped

NEXT_DAY_BEFORE = pd.Timedelta(hours=12)


@dataclass
class ImportResult:
    """Contacts in the DESIGN.md contract plus what the import did: rows read, dropped per rule, answers clamped."""

    contacts: pd.DataFrame
    rows_read: int
    dropped: dict[str, int] = field(default_factory=dict)
    clamped: int = 0
    lines: np.ndarray | None = None

    def notes(self) -> list[str]:
        """One line per thing a planner should know about the import."""
        notes = [f"{self.rows_read} records read, {len(self.contacts)} contacts kept"]
        notes += [f"dropped {n} record(s): {rule}" for rule, n in self.dropped.items()]
        if self.clamped:
            notes.append(f"{self.clamped} answer/end time(s) slightly before arrival (clock skew) set to the arrival time")
        return notes


def load_contacts(path: str | Path, config) -> pd.DataFrame:
    """Contacts from path: through the config's contacts_import mapping when it has one, else as a contacts-contract file."""
    if config is not None and config.contacts_import is not None:
        return import_contacts(path, config).contacts
    return read_contacts(path, config)


def import_contacts(path: str | Path, config) -> ImportResult:
    """Read an export with the config's contacts_import mapping; DataError naming source file, line and column."""
    spec = config.contacts_import
    if spec is None:
        raise ConfigError("the config has no contacts_import section describing this export's columns")
    path = Path(path)
    raw, lines = read_table(path, sep=spec.delimiter, encoding=spec.encoding)
    rows_read = len(raw)
    _require_source_columns(raw, spec, path)
    cells = _source_cells(raw, spec, path)

    keep = np.ones(len(cells), dtype=bool)
    dropped: dict[str, int] = {}
    for rule in spec.drop:
        hit = _matches(cells, rule) & keep
        dropped[_describe(rule)] = int(hit.sum())
        keep &= ~hit

    channel_source = cells[spec.channel.column]
    channel = channel_source.map(spec.channel.map) if spec.channel.map is not None else channel_source
    unmapped = keep & channel.isna().to_numpy() & channel_source.notna().to_numpy()
    problems: list[Problem] = []
    if spec.channel.unmapped == "drop":
        dropped[f"{spec.channel.column} value not in channel.map"] = int(unmapped.sum())
        keep &= ~unmapped
    else:
        known = ", ".join(spec.channel.map or {})
        problems += [Problem(str(path), int(lines[i]), spec.channel.column, channel_source[i],
                             f"a value of contacts_import.channel.map ({known}), or set channel.unmapped: drop")
                     for i in np.flatnonzero(unmapped)]

    cells, channel, lines = cells[keep].reset_index(drop=True), channel[keep].reset_index(drop=True), lines[keep]
    times = {}
    for name in ("arrived_at", "answered_at", "ended_at"):
        times[name], bad = _timestamps(cells, getattr(spec, name), spec, config.site.timezone)
        problems += [Problem(str(path), int(lines[i]), col, val, want) for i, col, val, want in bad]
    if problems:
        raise DataError(f"{path}: {len(problems)} problem(s) reading the export with contacts_import", problems)

    if spec.abandoned is None:
        abandoned = times["answered_at"].isna().to_numpy()
    else:
        abandoned = np.zeros(len(cells), dtype=bool)
        for rule in spec.abandoned:
            abandoned |= _matches(cells, rule)
    times["answered_at"] = times["answered_at"].mask(abandoned)

    clamped = 0
    for name in ("answered_at", "ended_at"):
        early = times[name] < times["arrived_at"]
        within = early & (times["arrived_at"] - times[name] <= pd.Timedelta(seconds=spec.clock_skew_s))
        clamped += int(within.sum())
        times[name] = times[name].mask(within, times["arrived_at"])

    contacts = pd.DataFrame({
        "contact_id": _contact_ids(cells, spec.columns.get("contact_id"), lines),
        "channel": channel,
        "arrived_at": times["arrived_at"],
        "answered_at": times["answered_at"],
        "ended_at": times["ended_at"],
        "abandoned": abandoned,
    })
    for target, source in spec.columns.items():
        if target != "contact_id":
            contacts[target] = cells[source]
    if "handle_s" in contacts:
        contacts["handle_s"] = contacts["handle_s"].mask(contacts["answered_at"].isna())
    try:
        contacts = validate_contacts(contacts, path, config, lines)
    except DataError as exc:
        raise _in_source_columns(exc, spec) from None
    return ImportResult(contacts, rows_read, dropped, clamped, lines)


def _in_source_columns(exc: DataError, spec) -> DataError:
    """The same error with each contract column (handle_s) named as the export names it (ser_time)."""
    source = {"channel": spec.channel.column}
    for target, columns in spec.columns.items():
        source[target] = columns if isinstance(columns, str) else "+".join(columns)
    for target in ("arrived_at", "answered_at", "ended_at"):
        if len(getattr(spec, target)) == 1:  # from several columns (the first non-empty) the contract name is clearer
            source[target] = getattr(spec, target)[0]
    problems = [Problem(p.file, p.line, source.get(p.column, p.column) if p.column else p.column, p.value,
                        p.expected if source.get(p.column, p.column) == p.column else f"{p.expected} (as {p.column})")
                for p in exc.problems]
    return DataError(exc.summary, problems)


def _contact_ids(cells: pd.DataFrame, source: str | list[str] | None, lines: np.ndarray) -> pd.Series:
    if source is None:  # no id in the export: the source line is unique
        return pd.Series([f"line{n}" for n in lines], dtype=object)
    columns = [source] if isinstance(source, str) else source
    ids = cells[columns[0]].astype("string")
    for col in columns[1:]:
        ids = ids + ":" + cells[col].astype("string")
    return ids.astype(object).where(ids.notna(), None)


def _emptied(column: pd.Series, empty: set[str]) -> pd.Series:
    return column.mask(column.isin(empty)) if empty else column


def _conditions(rule) -> list:
    return rule if isinstance(rule, list) else [rule]


def _matches(cells: pd.DataFrame, rule) -> np.ndarray:
    hit = np.ones(len(cells), dtype=bool)
    for cond in _conditions(rule):
        values = cells[cond.column]
        if cond.equals is not None:
            hit &= values.isin(cond.equals).to_numpy()
        else:
            hit &= values.isna().to_numpy() == cond.empty
    return hit


def _describe(rule) -> str:
    parts = []
    for cond in _conditions(rule):
        if cond.equals is not None:
            parts.append(f"{cond.column} = {' or '.join(cond.equals)}")
        else:
            parts.append(f"{cond.column} {'empty' if cond.empty else 'not empty'}")
    return " and ".join(parts)


def _used_columns(spec) -> list[str]:
    """Every export column the mapping reads, each once."""
    mapped = [c for cols in spec.columns.values() for c in ([cols] if isinstance(cols, str) else cols)]
    needed = [spec.channel.column, *mapped, *spec.arrived_at, *spec.answered_at, *spec.ended_at]
    needed += [c for c in (spec.date_column, spec.day_anchor) if c]
    needed += [cond.column for rule in [*spec.drop, *(spec.abandoned or [])] for cond in _conditions(rule)]
    return list(dict.fromkeys(needed))


def _source_cells(raw: pd.DataFrame, spec, path: Path) -> pd.DataFrame:
    """The used columns stripped, empty_values emptied; DataError for a used column of lists, structs or maps (Parquet)."""
    cells, problems = {}, []
    times = {*spec.arrived_at, *spec.answered_at, *spec.ended_at} - {spec.date_column, spec.day_anchor}
    for c in _used_columns(spec):
        try:
            cells[c] = _emptied(stripped(raw[c]), spec.empty_for(c))
        except NestedValues as exc:
            kind = "timestamp" if c in times and spec.date_column is None else "str"
            problems.append(Problem(str(path), None, c, None, nested_expected(exc.kind, kind)))
    if problems:
        raise DataError(f"{path}: {len(problems)} problem(s) reading the export with contacts_import", problems)
    return pd.DataFrame(cells)


def _require_source_columns(raw: pd.DataFrame, spec, path: Path) -> None:
    missing = [c for c in _used_columns(spec) if c not in raw.columns]
    if missing:
        have = ", ".join(map(str, raw.columns))
        problems = [Problem(str(path), None, c, None, f"a column named '{c}' (contacts_import names it); the file has: {have}")
                    for c in missing]
        raise DataError(f"{path}: the export lacks {len(missing)} column(s) the config's contacts_import uses "
                        f"(is contacts_import.delimiter {spec.delimiter!r} right?)", problems)


def _timestamps(cells: pd.DataFrame, columns: list[str], spec, site_tz: str) -> tuple[pd.Series, list[tuple]]:
    """First non-empty of columns as naive site time; plus (row, column, value, expected) of each unparseable cell."""
    result = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    bad: list[tuple] = []
    if not columns:
        return result, bad
    text = pd.Series(None, index=cells.index, dtype=object)
    source = pd.Series(None, index=cells.index, dtype=object)
    for col in columns:
        take = text.isna() & cells[col].notna()
        text[take], source[take] = cells[col][take], col
    has = text.notna().to_numpy()
    if spec.date_column is not None:
        day = _with_format(cells[spec.date_column], spec.date_format)
        clock = _time_of_day(text, spec.time_format)
        bad_day = has & day.isna().to_numpy()
        bad += [(i, spec.date_column, cells[spec.date_column][i], f"a date in the format {spec.date_format}")
                for i in np.flatnonzero(bad_day)]
        stamp = day + clock
        if spec.day_anchor is not None:
            anchor = _time_of_day(cells[spec.day_anchor], spec.time_format)
            stamp = stamp.mask(clock < anchor - NEXT_DAY_BEFORE, stamp + pd.Timedelta(days=1))
        stamp, _, instants = parse_with_instants(stamp, site_tz)
        unparsed = has & (clock.isna().to_numpy() | (stamp.isna().to_numpy() & ~bad_day))
    elif spec.time_format is None:  # ISO 8601 exactly as the contract readers parse it, offsets included
        stamp, unparsed, instants = _iso(text, site_tz)
    else:  # a format with %z gives instants: converted to the site's wall clock like the readers' offsets
        stamp, _, instants = parse_with_instants(_with_format(text, spec.time_format), site_tz)
        unparsed = has & stamp.isna().to_numpy()
    bad += [(i, source[i], text[i], f"a time in the format {spec.time_format or 'ISO 8601'}") for i in np.flatnonzero(unparsed)]
    if spec.source_timezone is not None:  # an explicit offset wins over source_timezone
        local = stamp.dt.tz_localize(spec.source_timezone, ambiguous="NaT", nonexistent="NaT")
        stamp = stamp.where(instants.notna(), local.dt.tz_convert(site_tz).dt.tz_localize(None))
    return stamp.set_axis(cells.index), bad


def _iso(text: pd.Series, site_tz: str) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """parse_with_instants of each distinct value once (an export repeats its timestamps), spread back to the rows."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    parsed, bad, instants = parse_with_instants(pd.Series(uniques, dtype=object), site_tz)
    take = np.where(codes >= 0, codes, len(uniques))
    nat = np.datetime64("NaT", "ns")
    return (pd.Series(np.append(parsed.to_numpy(), nat)[take], index=text.index),
            np.append(bad, False)[take],
            pd.Series(np.append(instants.to_numpy(), nat)[take], index=text.index))


def _with_format(text: pd.Series, fmt: str) -> pd.Series:
    """Cells parsed with a strftime format (NaT where one does not match); a format with an offset gives UTC instants."""
    return pd.to_datetime(text, format=fmt, errors="coerce", utc="%z" in fmt or "%Z" in fmt)


def _time_of_day(text: pd.Series, fmt: str) -> pd.Series:
    parsed = _with_format(text, fmt)
    return parsed - parsed.dt.normalize()
