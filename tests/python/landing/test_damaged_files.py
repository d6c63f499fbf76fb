"""Property: whatever lands — random bytes, truncated files, header only, missing, extra or
duplicated columns, stray quotes, huge fields, other encodings, misnamed formats — the
ingest neither crashes nor hangs, every file gets a status, and every loaded file's rows
are all in raw, numbered 1..n. (That arrived = kept + quarantined for every loaded batch is
checked on damaged files by the dry-run test: tests/python/landing/test_dry_run.py.)"""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landing.files import BRANCH_COLUMNS, BRANCH_ROWS, csv_text
from orchestration.engines.duckdb.ingest import ingest_landing
from orchestration.landing import csv_reader
from orchestration.landing.model import STATUSES

SECONDS_PER_EXAMPLE = 30
SUFFIXES = (".csv", ".csv", ".csv", ".tsv", ".xlsx", ".xls", ".parquet", ".txt", ".part")


def damage(draw: st.DrawFn) -> bytes:
    columns = list(BRANCH_COLUMNS)
    rows = [list(r) for r in BRANCH_ROWS] * draw(st.integers(0, 3))
    kind = draw(
        st.sampled_from(
            ["intact", "random", "truncate", "header_only", "missing", "extra", "duplicate",
             "stray_quote", "huge_field", "ragged"]
        )
    )  # fmt: skip
    if kind == "random":
        return draw(st.binary(max_size=2000))
    if kind == "missing" and columns:
        drop = draw(st.integers(0, len(columns) - 1))
        columns.pop(drop)
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    elif kind == "extra":
        columns.append(draw(st.text(max_size=8)))
        rows = [[*r, draw(st.text(max_size=5))] for r in rows]
    elif kind == "duplicate":
        columns.append(columns[draw(st.integers(0, len(columns) - 1))])
        rows = [[*r, "dup"] for r in rows]
    elif kind == "huge_field" and rows:
        rows[0][1] = draw(st.sampled_from(["x", "长", '"'])) * draw(st.integers(2000, 20000))
    elif kind == "ragged" and rows:
        rows[-1] = rows[-1][: draw(st.integers(0, len(rows[-1])))]
    if kind == "header_only":
        rows = []
    text = csv_text(rows, columns=columns, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    if kind == "stray_quote":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])))
    if kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def landing_files(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    count = draw(st.integers(1, 4))
    return [
        (f"branches/{index:02d}{draw(st.sampled_from(SUFFIXES))}", damage(draw))
        for index in range(count)
    ]


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError(f"the ingest took more than {SECONDS_PER_EXAMPLE}s (a hang?)")


@pytest.fixture()
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse blocks of 1 KiB, so that the drawn huge fields straddle blocks."""
    monkeypatch.setattr(csv_reader, "BLOCK_SIZE", 1024)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=landing_files())
def test_damaged_files_never_crash_hang_or_vanish(
    small_blocks: None, files: list[tuple[str, bytes]]
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        landing = Path(temporary) / "landing"
        for name, data in files:
            (landing / name).parent.mkdir(parents=True, exist_ok=True)
            (landing / name).write_bytes(data)
        warehouse = Path(temporary) / "w.duckdb"
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(SECONDS_PER_EXAMPLE)
        try:
            ingest_landing(landing, warehouse, settle_seconds=0)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            statuses = dict(
                con.execute(
                    "select folder || '/' || file_name, status from raw._landing_files"
                ).fetchall()
            )
            assert sorted(statuses) == sorted(name for name, _ in files)
            assert set(statuses.values()) <= set(STATUSES)
            registered = dict(
                con.execute(
                    "select file_name, row_count from raw._loaded_files where status = 'loaded'"
                ).fetchall()
            )
            loaded = {n.split("/")[1] for n, s in statuses.items() if s == "loaded"}
            assert set(registered) == loaded
            for name, rows in registered.items():
                numbers = con.execute(
                    "select count(*), min(_row_number), max(_row_number), "
                    "count(distinct _row_number) from raw.branches where _source_file = ?",
                    [name],
                ).fetchone()
                assert numbers == (rows, 1 if rows else None, rows or None, rows)
