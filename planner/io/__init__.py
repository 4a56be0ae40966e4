"""File I/O: readers that validate the DESIGN.md contracts, and atomic writers."""

from planner.io.files import atomic_path, read_raw, write_json, write_table, write_text

__all__ = ["atomic_path", "read_raw", "write_json", "write_table", "write_text"]
