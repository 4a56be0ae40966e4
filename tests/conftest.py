"""Shared fixtures: repository paths, the demo config, the shipped bank log, the reference tables in tests/data and the
sample sites generated once per session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path

import pandas as pd
import pytest

from planner.config import load_config
from planner.sample import SampleSite, generate_site
from planner.sample import demo_config_path as packaged_demo_config

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO / "tests" / "data"
BANK_LOG = REPO / "configs" / "data" / "anonymous_bank_1999_02_calls.tsv.gz"


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """tests/data: the published reference tables (Erlang values, the bank's Wednesday staffing)."""
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def bank_log() -> Path:
    """The real February 1999 bank log shipped with the project (configs/data, gzip-compressed TSV)."""
    return BANK_LOG


@pytest.fixture(scope="session")
def demo_config_path() -> Path:
    """configs/demo.yaml."""
    return REPO / "configs" / "demo.yaml"


@pytest.fixture(scope="session")
def sample_site() -> Callable[[int], SampleSite]:
    """generate_site(demo config, seed 7, weeks) made once per weeks for the whole session: several modules write the
    same sample site; each call hands out copies of its tables, so no module sees another's changes."""
    config = load_config(packaged_demo_config())
    made: dict[int, SampleSite] = {}

    def site(weeks: int) -> SampleSite:
        if weeks not in made:
            made[weeks] = generate_site(config, seed=7, weeks=weeks)
        tables = {f.name: getattr(made[weeks], f.name) for f in fields(SampleSite)}
        return replace(made[weeks], **{k: v.copy() for k, v in tables.items() if isinstance(v, pd.DataFrame)})

    return site
