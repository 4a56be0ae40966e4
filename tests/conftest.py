"""Shared fixtures: repository paths, the demo config, the shipped bank log and the reference tables in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

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
