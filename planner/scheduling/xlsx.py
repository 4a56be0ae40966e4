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
AGENT_COLUMNS = ["agent_id", "name", "contract", "skills"]


def channel_colours(config: Config) -> dict[str, str]:
    """Fill colour (RRGGBB) of each channel."""
    return {c: CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)] for i, c in enumerate(config.channel_names)}


def main_channels(result: RosterResult) -> pd.Series:
    """The channel an agent serves most on each worked day, indexed by (agent_id, date as 'YYYY-MM-DD')."""
    from planner.scheduling.outputs import shift_times

    roster = result.roster
    if roster.empty:
        return pd.Series(dtype=object)
    shifts = roster[["agent_id", "date"]].astype(str).copy()
    shifts["_start"], shifts["_end"] = shift_times(roster)
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
    fallback = roster.assign(agent_id=roster["agent_id"].astype(str), date=roster["date"].astype(str))
    fallback = fallback.set_index(["agent_id", "date"])["channels"].astype(str).str.split(";").str[0]
    return best.combine_first(fallback)


def _cell_text(row: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> str:
    text = f"{start:%H:%M}–{end:%H:%M}"
    breaks = str(row.get("breaks") or "").strip()
    if breaks and breaks.lower() != "nan":
        text += "\nbreaks " + breaks.replace(";", ", ")
    return text


def _leave_days(slots: pd.DataFrame) -> set[tuple[str, str]]:
    leave = slots[slots["activity"] == "leave"]
    return {(str(a), pd.Timestamp(t).date().isoformat()) for a, t in zip(leave["agent_id"], leave["interval_start"], strict=True)}


def write_roster_xlsx(result: RosterResult, config: Config, agents_df: pd.DataFrame, coverage: pd.DataFrame,
                      path: str | Path, week_start: dt.date | None = None) -> Path:
    """Write the roster workbook atomically: sheet 'Roster' (agents × days) and sheet 'Coverage' (per slot)."""
    from planner.scheduling.outputs import shift_times

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
    if not roster.empty:
        roster["start_ts"], roster["end_ts"] = shift_times(roster)
    by_key = {(r.agent_id, r.date): r for r in roster.itertuples(index=False)}

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
    for r, (_, agent) in enumerate(agents.iterrows(), start=2):
        skills = agent.get("skills", "")
        skills = ";".join(skills) if isinstance(skills, list | tuple) else str(skills)
        values = [agent["agent_id"], str(agent.get("name", "") or ""), str(agent["contract"]), skills]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
        paid = 0.0
        for i, day in enumerate(days):
            cell = ws.cell(row=r, column=len(AGENT_COLUMNS) + 1 + i)
            cell.alignment = wrap
            key = (agent["agent_id"], day.isoformat())
            shift = by_key.get(key)
            if shift is not None:
                row = pd.Series(shift._asdict())
                cell.value = _cell_text(row, shift.start_ts, shift.end_ts)
                channel = main.get(key)
                if channel in colours:
                    cell.fill = PatternFill("solid", start_color=colours[channel])
                paid += float(shift.paid_hours)
            elif key in leave:
                cell.value = "leave"
                cell.fill = PatternFill("solid", start_color=LEAVE_COLOUR)
        ws.cell(row=r, column=len(header), value=round(paid, 2))
        ws.row_dimensions[r].height = 30  # two lines: the shift, then its breaks
    ws.freeze_panes = ws.cell(row=2, column=len(AGENT_COLUMNS) + 1)
    for c, width in enumerate([10, 18, 12, 18], start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for i in range(len(days)):
        ws.column_dimensions[get_column_letter(len(AGENT_COLUMNS) + 1 + i)].width = 24
    ws.column_dimensions[get_column_letter(len(header))].width = 11
    _legend(ws, len(header) + 2, colours)
    _coverage_sheet(wb, coverage)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _legend(ws, column: int, colours: dict[str, str]) -> None:
    ws.cell(row=1, column=column, value="Legend").font = Font(bold=True)
    entries = [(f"main channel: {c}", colour) for c, colour in colours.items()] + [("leave", LEAVE_COLOUR)]
    for i, (label, colour) in enumerate(entries, start=2):
        cell = ws.cell(row=i, column=column, value=label)
        cell.fill = PatternFill("solid", start_color=colour)
    ws.cell(row=len(entries) + 2, column=column, value="cell: shift start–end, then breaks")
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
