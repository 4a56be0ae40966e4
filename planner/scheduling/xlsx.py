"""roster.xlsx: one row per agent and one column per day (shift and breaks, coloured by main channel), and coverage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from planner.config import Config
from planner.io.files import atomic_path
from planner.scheduling.result import RosterResult

# Light fills readable with black text, in channel order of the config; more channels cycle.
CHANNEL_COLOURS = ["9DC3E6", "A9D08E", "FFD966", "F4B084", "C9B3E6", "8FD3D0", "F8CBAD", "D9E1A0"]
LEAVE_COLOUR = "D9D9D9"
SHORT_COLOUR = "F4CCCC"
AGENT_COLUMNS = ["agent_id", "name", "team", "contract", "skills"]


def channel_colours(config: Config) -> dict[str, str]:
    """Fill colour (RRGGBB) of each channel."""
    return {c: CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)] for i, c in enumerate(config.channel_names)}


def main_channels(result: RosterResult) -> pd.Series:
    """The channel an agent serves most on each worked day, indexed by (agent_id, date as 'YYYY-MM-DD')."""
    roster = result.roster
    if roster.empty:
        return pd.Series(dtype=object)
    shifts = pd.DataFrame({"agent_id": roster["agent_id"].astype(str), "date": roster["date"].astype(str),
                           "_start": roster["shift_start"], "_end": roster["shift_end"]})
    slots = result.roster_slots.copy()
    slots["agent_id"] = slots["agent_id"].astype(str)
    slots["interval_start"] = pd.to_datetime(slots["interval_start"])
    slots = slots[~slots["activity"].isin(["break", "leave"])]
    joined = pd.merge_asof(slots.sort_values("interval_start"), shifts.sort_values("_start"), left_on="interval_start",
                           right_on="_start", by="agent_id", direction="backward")
    joined = joined[joined["interval_start"] < joined["_end"]]
    counts = joined.groupby(["agent_id", "date", "activity"]).size().reset_index(name="n")
    # most slots first, then channel name, so ties are deterministic
    counts = counts.sort_values(["agent_id", "date", "n", "activity"], ascending=[True, True, False, True])
    best = counts.drop_duplicates(["agent_id", "date"]).set_index(["agent_id", "date"])["activity"]
    first = [c[0] if isinstance(c, list | tuple) and c else None for c in roster["channels"]]
    fallback = pd.Series(first, index=pd.MultiIndex.from_arrays([shifts["agent_id"], shifts["date"]])).dropna()
    return best.combine_first(fallback)


def _cell_text(start: pd.Timestamp, end: pd.Timestamp, breaks: list[tuple[pd.Timestamp, pd.Timestamp, str]]) -> str:
    text = f"{start:%H:%M}–{end:%H:%M}"
    lunch = [f"{a:%H:%M}-{b:%H:%M}" for a, b, kind in breaks if kind == "lunch"]
    short = [f"{a:%H:%M}-{b:%H:%M}" for a, b, kind in breaks if kind != "lunch"]
    if lunch:
        text += "\nlunch " + ", ".join(lunch)
    if short:
        text += "\nbreaks " + ", ".join(short)
    return text


def _leave_days(slots: pd.DataFrame) -> set[tuple[str, str]]:
    leave = slots[slots["activity"] == "leave"]
    return {(str(a), pd.Timestamp(t).date().isoformat()) for a, t in zip(leave["agent_id"], leave["interval_start"], strict=True)}


def write_roster_xlsx(result: RosterResult, config: Config, agents_df: pd.DataFrame, coverage: pd.DataFrame,
                      path: str | Path, week_start: dt.date | None = None) -> Path:
    """Write the roster workbook atomically: sheet 'Roster' (agents × days, then headcount rows) and sheet 'Coverage'."""
    from planner.scheduling.roster import shift_of_breaks

    path = Path(path)
    roster = result.roster.copy()
    roster["agent_id"] = roster["agent_id"].astype(str)
    roster["date"] = roster["date"].astype(str)
    if week_start is None:
        first = min(pd.to_datetime(roster["date"]).min().date(), dt.date.max) if not roster.empty else dt.date.today()
        week_start = first - dt.timedelta(days=first.weekday())
    n_days = max(7, (pd.to_datetime(roster["date"]).max().date() - week_start).days + 1) if not roster.empty else 7
    days = [week_start + dt.timedelta(days=d) for d in range(n_days)]
    colours = channel_colours(config)
    main = main_channels(result)
    leave = _leave_days(result.roster_slots)
    breaks: list[list] = [[] for _ in range(len(roster))]
    owner = shift_of_breaks(result.roster, result.breaks)
    for pos, row in zip(owner, result.breaks.itertuples(index=False), strict=True):
        if pos >= 0:
            breaks[pos].append((row.start, row.end, row.kind))
    by_key = {(r.agent_id, r.date): (r, sorted(breaks[i])) for i, r in enumerate(roster.itertuples(index=False))}

    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    header = [*AGENT_COLUMNS, *[f"{d:%a %d %b}" for d in days], "paid_hours"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    agents = agents_df.assign(agent_id=agents_df["agent_id"].astype(str)).sort_values("agent_id")
    r = 1
    for r, (_, agent) in enumerate(agents.iterrows(), start=2):
        skills = agent.get("skills", "")
        skills = ";".join(skills) if isinstance(skills, list | tuple) else str(skills)
        values = [agent["agent_id"], _text(agent.get("name")), _text(agent.get("team")), str(agent["contract"]), skills]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
        paid = 0.0
        for i, day in enumerate(days):
            cell = ws.cell(row=r, column=len(AGENT_COLUMNS) + 1 + i)
            cell.alignment = wrap
            key = (agent["agent_id"], day.isoformat())
            if key in by_key:
                shift, shift_breaks = by_key[key]
                cell.value = _cell_text(shift.shift_start, shift.shift_end, shift_breaks)
                channel = main.get(key)
                if channel in colours:
                    cell.fill = PatternFill("solid", start_color=colours[channel])
                paid += float(shift.paid_hours)
            elif key in leave:
                cell.value = "leave"
                cell.fill = PatternFill("solid", start_color=LEAVE_COLOUR)
        ws.cell(row=r, column=len(header), value=round(paid, 2))
        ws.row_dimensions[r].height = 45  # three lines: the shift, its lunch, its short breaks
    _headcount_rows(ws, r + 2, days, main, colours)
    ws.freeze_panes = ws.cell(row=2, column=len(AGENT_COLUMNS) + 1)
    for c, width in enumerate([10, 18, 10, 12, 18], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for i in range(len(days)):
        ws.column_dimensions[get_column_letter(len(AGENT_COLUMNS) + 1 + i)].width = 24
    ws.column_dimensions[get_column_letter(len(header))].width = 11
    _legend(ws, len(header) + 2, colours)
    _coverage_sheet(wb, coverage)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _headcount_rows(ws, first_row: int, days: list[dt.date], main: pd.Series, colours: dict[str, str]) -> None:
    """Below the agents: agents working per day, then per channel the agents whose main channel it is that day."""
    per_day = main.groupby(level=1).size() if len(main) else pd.Series(dtype=int)
    per_channel = main.groupby([main.index.get_level_values(1), main.to_numpy()]).size() if len(main) else pd.Series(dtype=int)
    label_col = len(AGENT_COLUMNS)
    rows = [("headcount: working", None)] + [(f"headcount: {c}", c) for c in colours]
    for k, (label, channel) in enumerate(rows):
        row = first_row + k
        label_cell = ws.cell(row=row, column=label_col, value=label)
        label_cell.font = Font(bold=True)
        if channel is not None:
            label_cell.fill = PatternFill("solid", start_color=colours[channel])
        for i, day in enumerate(days):
            key = day.isoformat()
            n = per_day.get(key, 0) if channel is None else per_channel.get((key, channel), 0)
            ws.cell(row=row, column=label_col + 1 + i, value=int(n))


def _legend(ws, column: int, colours: dict[str, str]) -> None:
    ws.cell(row=1, column=column, value="Legend").font = Font(bold=True)
    entries = [(f"main channel: {c}", colour) for c, colour in colours.items()] + [("leave", LEAVE_COLOUR)]
    for i, (label, colour) in enumerate(entries, start=2):
        cell = ws.cell(row=i, column=column, value=label)
        cell.fill = PatternFill("solid", start_color=colour)
    ws.cell(row=len(entries) + 2, column=column, value="cell: shift start–end, then lunch, then short breaks")
    ws.cell(row=len(entries) + 3, column=column, value="headcount: agents working; per channel, agents whose main "
            "channel it is that day")
    ws.column_dimensions[get_column_letter(column)].width = 30


def _coverage_sheet(wb: Workbook, coverage: pd.DataFrame) -> None:
    ws = wb.create_sheet("Coverage")
    columns = list(coverage.columns)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    gap_col = columns.index("gap") + 1 if "gap" in columns else None
    short_fill = PatternFill("solid", start_color=SHORT_COLOUR)
    for r, row in enumerate(coverage.itertuples(index=False), start=2):
        for c, value in enumerate(row, start=1):
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif pd.isna(value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            ws.cell(row=r, column=c, value=value)
        if gap_col is not None and row[gap_col - 1] is not None and row[gap_col - 1] < 0:
            ws.cell(row=r, column=gap_col).fill = short_fill
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 20
    for c in range(2, len(columns) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    if "interval_start" in columns:
        for cell in ws["A"][1:]:
            cell.number_format = "yyyy-mm-dd hh:mm"
