"""Site configuration: pydantic schema and YAML loader."""

from planner.config.loader import load_config, parse_config
from planner.config.schema import (
    WEEKDAYS,
    AsaTarget,
    Channel,
    Config,
    Contract,
    Event,
    OpenHours,
    ServiceLevelTarget,
)

__all__ = [
    "WEEKDAYS",
    "AsaTarget",
    "Channel",
    "Config",
    "Contract",
    "Event",
    "OpenHours",
    "ServiceLevelTarget",
    "load_config",
    "parse_config",
]
