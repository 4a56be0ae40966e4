"""The contacts_import mapping: date + time columns, midnight roll-over, queue map, drop and abandon rules, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.config import parse_config
from planner.errors import ConfigError, DataError
from planner.io.contacts_import import import_contacts, load_contacts

MAPPING = """
contacts_import:
  delimiter: ";"
  columns: {contact_id: id, handle_s: talk, agent_id: agent}
  channel: {column: queue, map: {Q1: voice, Q2: chat}, unmapped: error}
  date_column: day
  date_format: "%d/%m/%Y"
  time_format: "%H:%M:%S"
  empty_values: {"*": ["-"], agent: [NONE]}
  arrived_at: [queued, entered]
  answered_at: [answered]
  ended_at: [ended]
  day_anchor: entered
  clock_skew_s: 5
  drop:
    - {column: status, equals: [TEST, GHOST]}
  abandoned:
    - [{column: status, equals: LOST}, {column: queued, empty: false}]
"""
HEAD = "id;queue;day;entered;queued;answered;ended;talk;agent;status"


@pytest.fixture()
def cfg(demo_config_path):
    return parse_config(demo_config_path.read_text() + MAPPING, source="demo+import.yaml", base_dir=demo_config_path.parent)


def _export(tmp_path, rows: list[str]):
    path = tmp_path / "acd.txt"
    path.write_text("\n".join([HEAD, *rows]) + "\n")
    return path


def test_mapping_builds_the_contract(tmp_path, cfg):
    path = _export(tmp_path, [
        "1;Q1;23/11/2026;08:00:00;08:00:10;08:00:40;08:05:40;300;ann;OK",
        "2;Q2;23/11/2026;23:59:50;-;00:00:20;00:10:20;600;bob;OK",        # never queued; answered after midnight
        "3;Q1;23/11/2026;09:00:00;09:00:05;-;09:01:00;0;NONE;LOST",       # abandoned in the queue
        "4;Q1;23/11/2026;09:00:00;09:00:05;-;-;0;NONE;GHOST",             # dropped
        "5;Q1;23/11/2026;10:00:00;10:00:10;10:00:07;10:02:00;113;ann;OK",  # answer 3 s before arrival: clock skew
    ])
    result = import_contacts(path, cfg)
    c = result.contacts
    assert c["contact_id"].tolist() == ["1", "2", "3", "5"]
    assert c["channel"].tolist() == ["voice", "chat", "voice", "voice"]
    assert c["arrived_at"].tolist() == [pd.Timestamp("2026-11-23 08:00:10"), pd.Timestamp("2026-11-23 23:59:50"),
                                        pd.Timestamp("2026-11-23 09:00:05"), pd.Timestamp("2026-11-23 10:00:10")]
    assert c["answered_at"][1] == pd.Timestamp("2026-11-24 00:00:20")  # rolled over to the next day
    assert c["abandoned"].tolist() == [False, False, True, False]
    assert pd.isna(c["answered_at"][2]) and pd.isna(c["handle_s"][2]) and c["agent_id"][2] is None
    assert c["answered_at"][3] == c["arrived_at"][3] and result.clamped == 1
    assert result.dropped == {"status = TEST or GHOST": 1}
    assert result.rows_read == 5 and "dropped 1 record(s): status = TEST or GHOST" in result.notes()
    assert load_contacts(path, cfg).equals(c)


def test_unmapped_queue_and_bad_time_name_source_line_and_column(tmp_path, cfg):
    path = _export(tmp_path, [
        "1;Q1;23/11/2026;08:00:00;08:00:10;08:00:40;08:05:40;300;ann;OK",
        "2;Q9;23/11/2026;08:00:00;08:00:10;08:00:40;08:05:40;300;ann;OK",
        "3;Q1;23/11/2026;08:00:00;8h00;08:00:40;08:05:40;300;ann;OK",
    ])
    with pytest.raises(DataError) as info:
        import_contacts(path, cfg)
    problems = [(p.line, p.column, p.value) for p in info.value.problems]
    assert problems == [(3, "queue", "Q9"), (4, "queued", "8h00")]
    assert "unmapped: drop" in info.value.problems[0].expected


def test_skew_beyond_tolerance_is_reported_on_its_line(tmp_path, cfg):
    path = _export(tmp_path, ["1;Q1;23/11/2026;08:00:00;08:00:10;08:00:00;08:05:40;300;ann;OK"])
    with pytest.raises(DataError) as info:
        import_contacts(path, cfg)
    assert [(p.line, p.column) for p in info.value.problems] == [(2, "answered")]  # the export's column


def test_missing_source_column_hints_at_the_delimiter(tmp_path, cfg):
    path = tmp_path / "acd.txt"
    path.write_text(HEAD.replace(";", ",") + "\n")
    with pytest.raises(DataError, match="delimiter ';'"):
        import_contacts(path, cfg)


def test_mapping_is_validated(demo_config_path):
    bad = MAPPING.replace("map: {Q1: voice, Q2: chat}", "map: {Q1: voice, Q2: fax}")
    with pytest.raises(ConfigError, match="unknown channel"):
        parse_config(demo_config_path.read_text() + bad, source="x.yaml")
    typo = MAPPING.replace("clock_skew_s", "clock_skew")
    with pytest.raises(ConfigError, match="contacts_import.clock_skew .*did you mean 'clock_skew_s'"):
        parse_config(demo_config_path.read_text() + typo, source="x.yaml")


def test_source_timezone_converts_to_site_time(tmp_path, demo_config_path):
    text = demo_config_path.read_text() + """
contacts_import:
  columns: {contact_id: id}
  channel: {column: queue}
  source_timezone: UTC
  arrived_at: [start]
"""
    cfg = parse_config(text, source="x.yaml")
    path = tmp_path / "utc.csv"
    path.write_text("id,queue,start\n1,voice,2026-07-01T08:00:00\n2,chat,2026-12-01 08:00:00\n")
    c = import_contacts(path, cfg).contacts
    assert c["arrived_at"].tolist() == [pd.Timestamp("2026-07-01 09:00"), pd.Timestamp("2026-12-01 08:00")]  # BST, then GMT


OFFSET_TIMES = ["2026-11-23T08:00:00+01:00", "2026-11-23T08:00:00", "2026-11-23T08:00:00+01", "2026-07-01T08:00:00Z",
                "2026-07-01T08:00:00+0200"]
ISO_MAPPING = """
contacts_import:
  columns: {contact_id: id}
  channel: {column: queue}
  arrived_at: [start]
"""


def _iso_config(demo_config_path, extra: str = ""):
    return parse_config(demo_config_path.read_text() + ISO_MAPPING + extra, source="x.yaml")


def test_offsets_are_read_like_the_contract_readers(tmp_path, demo_config_path):
    from planner.io.tables import read_contacts

    export = tmp_path / "acd.csv"
    export.write_text("id,queue,start\n" + "".join(f"{i},voice,{t}\n" for i, t in enumerate(OFFSET_TIMES)))
    cfg = _iso_config(demo_config_path)
    imported = import_contacts(export, cfg).contacts["arrived_at"]
    contract = tmp_path / "contacts.csv"
    contract.write_text("contact_id,channel,arrived_at\n" + "".join(f"{i},voice,{t}\n" for i, t in enumerate(OFFSET_TIMES)))
    assert imported.tolist() == read_contacts(contract, cfg)["arrived_at"].tolist()
    assert imported.tolist() == [pd.Timestamp(t) for t in ("2026-11-23 07:00", "2026-11-23 08:00", "2026-11-23 07:00",
                                                           "2026-07-01 09:00", "2026-07-01 07:00")]


def test_an_explicit_offset_wins_over_source_timezone(tmp_path, demo_config_path):
    cfg = _iso_config(demo_config_path, "  source_timezone: Europe/Paris\n")
    export = tmp_path / "acd.csv"
    export.write_text("id,queue,start\n1,voice,2026-11-23T08:00:00\n2,voice,2026-11-23T08:00:00+00:00\n"
                      "3,voice,2026-11-23T08:00:00+25:00\n")
    with pytest.raises(DataError) as info:
        import_contacts(export, cfg)
    assert [(p.line, p.column, p.value) for p in info.value.problems] == [(4, "start", "2026-11-23T08:00:00+25:00")]
    export.write_text("id,queue,start\n1,voice,2026-11-23T08:00:00\n2,voice,2026-11-23T08:00:00+00:00\n")
    arrived = import_contacts(export, cfg).contacts["arrived_at"].tolist()
    assert arrived == [pd.Timestamp("2026-11-23 07:00"), pd.Timestamp("2026-11-23 08:00")]  # Paris naive; UTC as given


def test_a_time_format_with_an_offset_is_converted_to_site_time(tmp_path, demo_config_path):
    cfg = _iso_config(demo_config_path, '  time_format: "%d/%m/%Y %H:%M%z"\n')
    export = tmp_path / "acd.csv"
    export.write_text("id,queue,start\n1,voice,23/11/2026 08:00+0100\n2,voice,01/07/2026 08:00-0100\n")
    arrived = import_contacts(export, cfg).contacts["arrived_at"].tolist()
    assert arrived == [pd.Timestamp("2026-11-23 07:00"), pd.Timestamp("2026-07-01 10:00")]


def test_aggregate_reads_an_export_with_offsets(tmp_path, demo_config_path):
    from typer.testing import CliRunner

    from planner.cli.app import app

    config = tmp_path / "site.yaml"
    config.write_text(demo_config_path.read_text() + ISO_MAPPING)
    export = tmp_path / "acd.csv"
    export.write_text("id,queue,start\n1,voice,2026-11-23T08:00:00+01:00\n2,chat,2026-11-23T08:00:00\n"
                      "3,chat,2026-11-23T08:00:00+01\n")
    out = tmp_path / "history.csv"
    result = CliRunner().invoke(app, ["aggregate", "--config", str(config), "--contacts", str(export), "--out", str(out)])
    assert result.exit_code == 0, result.output
    history = pd.read_csv(out)
    offered = history[history["offered"] > 0].set_index(["interval_start", "channel"])["offered"].to_dict()
    assert offered == {("2026-11-23T07:00:00", "voice"): 1, ("2026-11-23T07:00:00", "chat"): 1,
                       ("2026-11-23T08:00:00", "chat"): 1}
