"""Report inputs: gzip-compressed tables, and the README's bank walkthrough run as written from a fresh folder."""

from __future__ import annotations

import gzip
import re
import shlex
import shutil

import pandas as pd
import pytest

from planner.errors import DataError
from planner.io.files import read_raw
from planner.io.tables import read_history

HISTORY_CSV = (
    "interval_start,channel,offered,handled,abandoned\n"
    "2026-11-02T08:00:00,voice,10,9,1\n"
    "\n"
    "2026-11-02T08:15:00,voice,12,12,0\n"
)


def test_gzip_csv_and_tsv_read_like_the_plain_files(tmp_path):
    plain = tmp_path / "h.csv"
    plain.write_text(HISTORY_CSV, encoding="utf-8")
    packed = tmp_path / "h.csv.gz"
    packed.write_bytes(gzip.compress(HISTORY_CSV.encode()))
    pd.testing.assert_frame_equal(read_raw(packed), read_raw(plain))
    pd.testing.assert_frame_equal(read_history(packed), read_history(plain))
    tsv = tmp_path / "h.tsv.gz"
    tsv.write_bytes(gzip.compress(HISTORY_CSV.replace(",", "\t").encode()))
    pd.testing.assert_frame_equal(read_history(tsv), read_history(plain))


def test_gzip_errors_name_the_file_and_the_fix(tmp_path):
    bad = tmp_path / "h.csv.gz"
    bad.write_bytes(gzip.compress(HISTORY_CSV.encode())[:40])  # cut short
    with pytest.raises(DataError, match=r"h\.csv\.gz: cannot read as gzip-compressed CSV"):
        read_history(bad)
    bare = tmp_path / "h.gz"
    bare.write_bytes(gzip.compress(HISTORY_CSV.encode()))
    with pytest.raises(DataError, match=r"use \.csv\.gz or \.tsv\.gz"):
        read_raw(bare)
    parquet = tmp_path / "h.parquet.gz"
    parquet.write_bytes(b"x")
    with pytest.raises(DataError, match="Parquet is compressed already"):
        read_raw(parquet)
    # a history row that fails validation in a .gz is reported on its editor line
    wrong = tmp_path / "w.csv.gz"
    wrong.write_bytes(gzip.compress(HISTORY_CSV.replace("12,12,0", "x,12,0").encode()))
    with pytest.raises(DataError, match=r"line 4, column 'offered'"):
        read_history(wrong)


def readme_bank_commands(readme: str) -> list[list[str]]:
    """The planner commands of the README's bank walkthrough (the bash block that names the shipped log)."""
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    block = next(b for b in blocks if "anonymous_bank.yaml" in b and "aggregate" in b)
    lines = block.replace("\\\n", " ").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.strip().startswith("planner ")]


@pytest.mark.slow
def test_readme_bank_walkthrough_runs_from_a_fresh_clone(repo, tmp_path, monkeypatch):
    """The README's commands, as written, from a folder with only the project's files: report reads the new history."""
    from typer.testing import CliRunner

    from planner.cli.app import app

    clone = tmp_path / "clone"  # nothing beside it: no ../shared
    (clone / "configs").mkdir(parents=True)
    shutil.copy(repo / "configs" / "anonymous_bank.yaml", clone / "configs")
    shutil.copytree(repo / "configs" / "data", clone / "configs" / "data")
    monkeypatch.chdir(clone)
    commands = readme_bank_commands((repo / "README.md").read_text(encoding="utf-8"))
    assert [c[0] for c in commands] == ["aggregate", "report"]
    outputs = []
    for args in commands:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "does not exist" not in outputs[1]  # the history aggregate just wrote is used, not skipped
    html_path = clone / commands[1][commands[1].index("--out") + 1]
    text = html_path.read_text(encoding="utf-8")
    assert "history: history.csv" in text and "contacts: anonymous_bank_1999_02_calls.tsv.gz" in text
