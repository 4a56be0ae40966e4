"""A realistic, deterministic sample site: slot history, contacts, agents and leave for a config."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from planner.sample.params import DEFAULT_PARAMS, SiteParams
from planner.sample.site import SampleSite, generate_site, write_site


def demo_config_path() -> Path:
    """Path of the packaged demo config (planner/sample/demo.yaml, a link to configs/demo.yaml in a checkout)."""
    return Path(str(resources.files("planner.sample") / "demo.yaml"))


__all__ = ["DEFAULT_PARAMS", "SampleSite", "SiteParams", "demo_config_path", "generate_site", "write_site"]
