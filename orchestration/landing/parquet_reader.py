"""Parquet files: typed columns rendered as the text the CSV contract writes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.landing.model import Problem, ReadContext, ReadResult


def as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Render a typed Parquet column the way the CSV contract writes it."""
    kind = column.type
    if pa.types.is_timestamp(kind):
        # A naive timestamp casts to ISO text (``2025-01-02 03:04:05[.ffffff]``) ten times
        # faster than strftime renders it; an aware one is rendered in its own zone.
        text = (
            pc.cast(column, pa.string())
            if kind.tz is None
            else pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        )
        return pc.utf8_slice_codeunits(text, 0, 19)
    if pa.types.is_time(kind):
        return pc.utf8_slice_codeunits(pc.cast(column, pa.string()), 0, 5)
    if pa.types.is_dictionary(kind):
        column = pc.cast(column, kind.value_type)
    return pc.cast(column, pa.string())


def read_parquet(path: Path, ctx: ReadContext, wanted: tuple[str, ...] = ()) -> ReadResult:
    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        return ReadResult.rejected(
            Problem(
                f"not a readable Parquet file ({error})",
                action="Export it again (a truncated copy is the usual cause)",
            )
        )
    columns = []
    for name in data.column_names:
        try:
            columns.append(as_text(data[name]))
        except pa.ArrowException as error:
            return ReadResult.rejected(
                Problem(
                    f"a column type that cannot be read as text ({data[name].type}: {error})",
                    column=name,
                    action="Write it as a string, number, boolean, date or timestamp column",
                )
            )
    return ReadResult(pa.table(columns, names=data.column_names), [], [])
