"""Skill groups: agents with the same set of skills plan leave together."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

SEPARATOR = "+"


def group_of(skills: Iterable[str]) -> str:
    """The skill group of an agent with these skills: the channel names sorted and joined by '+' (e.g. 'chat+voice')."""
    return SEPARATOR.join(sorted({str(s) for s in skills}))


def agent_groups(agents: pd.DataFrame) -> dict[str, str]:
    """agent_id → skill group, from a typed agents table (skills as lists)."""
    return {str(a): group_of(s) for a, s in zip(agents["agent_id"], agents["skills"], strict=True)}
