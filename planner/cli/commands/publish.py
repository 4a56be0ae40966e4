"""`planner publish`: a roster → one .ics calendar per agent and a printable HTML roster per team."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, counted, input_or_config, out, progress, warn, wrote
from planner.errors import RequestError
from planner.io.files import atomic_path, write_text
from planner.io.tables import read_agents
from planner.publish import agent_calendar, agent_teams, shift_rows, team_file_stems, team_html
from planner.publish.ics import calendar_file_name
from planner.publish.team_html import leave_days, roster_days
from planner.scheduling.roster import read_roster
from planner.scheduling.xlsx import channel_colours

HELP = (
    "Publish a roster to the agents: one calendar per agent (DIR/ics/<agent_id>.ics, an event per shift in the site's "
    "time zone, breaks and lunch in its description) and a printable HTML roster per team (DIR/teams/<team>.html; agents "
    "without a team in no-team.html). Teams come from the agents file (--agents, else the config's inputs.agents).\n\n"
    "Example: planner publish --config configs/demo.yaml --roster runs/demo/roster.csv --out runs/demo/publish"
)


def register(app: typer.Typer) -> None:
    """Add the publish command to app."""
    app.command(help=HELP)(publish)


def publish(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML): its time zone and channels."),
    roster: Path = typer.Option(..., "--roster", "-r", help="roster.csv of a run folder (roster_slots.csv beside it gives "
                                "each shift's main channel)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder to write ics/ and teams/ into."),
    team: str | None = typer.Option(None, "--team", help="Publish only this team's agents."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents file with the team column (default: inputs.agents)."),
) -> None:
    """Write the calendars and team pages, then print one line per team."""
    cfg = config_from(config)
    typed = read_roster(roster, cfg)
    agents_path = input_or_config(agents, cfg, "agents")
    agents_df = read_agents(agents_path, cfg) if agents_path is not None else None
    if agents_df is None:
        warn("no agents file (--agents or inputs.agents): teams are taken from the roster's team column")
    teams = agent_teams(typed, agents_df)
    if team is not None:
        known = sorted({t for t in teams.values() if t is not None})
        if team not in known:
            raise RequestError(f"--team {team!r} is not a team of the agents or the roster; teams: "
                               f"{', '.join(known) if known else 'none (no agent has a team)'}")
        teams = {aid: t for aid, t in teams.items() if t == team}
    names = {} if agents_df is None else {str(a): str(n) for a, n in zip(agents_df["agent_id"], agents_df["name"], strict=True)
                                          if isinstance(n, str) and n.strip()}
    rows = shift_rows(typed)
    days = roster_days(rows)
    timezone = cfg.site.timezone
    files = {aid: calendar_file_name(aid) for aid in teams}
    clash = [aid for aid in teams if list(files.values()).count(files[aid]) > 1]
    if clash:
        raise RequestError(f"agent ids {', '.join(map(repr, clash))} give the same calendar file name "
                           f"({files[clash[0]]}): '/' and '\\' in an id become '_'; rename one of them")
    with progress("Writing calendars", total=len(teams)) as advance:
        for aid in teams:
            with atomic_path(out_dir / "ics" / files[aid]) as tmp:
                tmp.write_bytes(agent_calendar(rows, aid, timezone, site_name=cfg.site.name, agent_name=names.get(aid)))
            advance()
    wrote(out_dir / "ics", f"({counted(len(teams), 'calendar')} in {timezone})")
    stems = team_file_stems(teams.values())
    view = Table(title=Text(f"{cfg.site.name}: roster published for {days[0]} to {days[-1]}" if days
                            else f"{cfg.site.name}: the roster has no shifts"),
                 title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col, justify in (("team", "left"), ("agents", "right"), ("shifts", "right"), ("paid h", "right"), ("file", "left")):
        view.add_column(col, justify=justify, overflow="fold")
    colours, leave = channel_colours(cfg), leave_days(typed)
    for one, stem in stems.items():
        ids = [aid for aid, t in teams.items() if t == one]
        own = rows[rows["agent_id"].isin(ids)]
        path = write_text(team_html(rows, ids, days, team=one, site_name=cfg.site.name, colours=colours, names=names,
                                    leave=leave), out_dir / "teams" / f"{stem}.html")
        add_row(view, one if one is not None else "(no team)", f"{len(ids):,}", f"{len(own):,}",
                f"{pd.to_numeric(own['paid_hours']).sum():,.1f}", str(path))
    out(view)
    wrote(out_dir / "teams", f"({counted(len(stems), 'team page')})")
