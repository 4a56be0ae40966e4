"""Raw table files (CSV, TSV, Parquet by extension; CSV/TSV may be .gz) and atomic writes (temp file, then rename)."""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa

from planner.errors import DataError

CSV_SUFFIXES = {".csv", ".txt"}
TSV_SUFFIXES = {".tsv", ".tab"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
# Our temp files: ".<name>.<pid>.<8 random>.tmp" (and ".<name>.<8 random>.tmp" from before the pid was added).
_TEMP = re.compile(r"^\.(?P<name>[^/]+?\.[A-Za-z0-9]+)\.(?:(?P<pid>\d+)\.)?(?P<rand>[a-z0-9_]{8})\.tmp$")
STALE_DEAD_S = 60  # a temp file of a dead process, untouched this long, is left over from a killed run
STALE_ANY_S = 3600  # no write takes an hour: older temp files are stale whoever made them (pid reuse, another host)


def table_format(path: Path) -> str:
    """'csv', 'tsv' or 'parquet' from the file extension; DataError otherwise."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in TSV_SUFFIXES:
        return "tsv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise DataError(f"{path}: unknown table format '{suffix}'; use .csv, .tsv or .parquet")


def read_raw(path: str | Path, sep: str | None = None, encoding: str = "utf-8-sig",
             skip_blank_lines: bool = True) -> pd.DataFrame:
    """Read a table as strings (CSV/TSV, plain or gzip-compressed `.csv.gz`/`.tsv.gz`) or typed columns (Parquet).

    A `.gz` file is read by its inner extension; validation is the caller's job.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    fmt, gzipped = text_format(path)
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        delimiter = sep if sep is not None else ("\t" if fmt == "tsv" else ",")
        return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, na_values=[""], encoding=encoding,
                           skip_blank_lines=skip_blank_lines, compression="gzip" if gzipped else None)
    except DataError:
        raise
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header line and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError, EOFError, TypeError, pa.ArrowException) as exc:
        kind = f"gzip-compressed {fmt.upper()}" if gzipped else fmt.upper()
        raise DataError(f"{path}: cannot read as {kind} ({str(exc).strip() or type(exc).__name__})") from None


def text_format(path: Path) -> tuple[str, bool]:
    """(format, gzipped) of a table path: '.csv.gz' is ('csv', True); DataError for an unknown or compressed Parquet."""
    gzipped = path.suffix.lower() == ".gz"
    inner = path.with_suffix("") if gzipped else path
    if gzipped and not inner.suffix:
        raise DataError(f"{path}: a compressed table needs its format before .gz; use .csv.gz or .tsv.gz")
    fmt = table_format(inner)
    if gzipped and fmt == "parquet":
        raise DataError(f"{path}: Parquet is compressed already; use .parquet (or .csv.gz / .tsv.gz)")
    return fmt, gzipped


def read_bytes(path: Path) -> bytes:
    """The bytes of a text table, decompressed when it is gzipped; DataError when unreadable."""
    _, gzipped = text_format(path)
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if gzipped else data
    except (OSError, EOFError) as exc:
        fmt, _ = text_format(path)
        kind = f"gzip-compressed {fmt.upper()}" if gzipped else fmt.upper()
        raise DataError(f"{path}: cannot read as {kind} ({getattr(exc, 'strerror', None) or exc})") from None


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path beside `path`; on success rename it over `path`, on failure delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs get the usual permissions
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_stale_temps(folder: str | Path, now: float | None = None) -> list[Path]:
    """Delete our leftover temp files in folder (a run killed mid-write); only stale ones, so a concurrent write is safe."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name) if entry.name.startswith(".") and entry.name.endswith(".tmp") else None
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            age_s = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        pid = match["pid"]
        dead = pid is None or not _alive(int(pid))
        if age_s > STALE_ANY_S or (dead and age_s > STALE_DEAD_S):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass  # another run removed it first, or the folder is read-only: nothing to do
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists under another user (or cannot tell): keep its file until it is an hour old
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write df as CSV or Parquet (by extension) atomically; timestamps in ISO 8601."""
    path = Path(path)
    fmt = table_format(path)
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False, sep="\t" if fmt == "tsv" else ",", date_format="%Y-%m-%dT%H:%M:%S",
                      lineterminator="\n")
    return path


def write_text(text: str, path: str | Path) -> Path:
    """Write a text file atomically (UTF-8)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_json(obj: object, path: str | Path) -> Path:
    """Write obj as indented JSON atomically."""
    return write_text(json.dumps(obj, indent=2, default=str) + "\n", path)
