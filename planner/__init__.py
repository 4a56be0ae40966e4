"""Staffing planner: forecast → Erlang staffing → CP-SAT roster → reports, for contact centres."""

__version__ = "0.1.0"
