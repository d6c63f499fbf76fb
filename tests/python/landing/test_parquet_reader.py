"""Parquet reader: typed columns become the text the CSV contract writes."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from orchestration.landing.parquet_reader import as_text

MOMENTS = [
    dt.datetime(2025, 1, 2, 3, 4, 5),
    dt.datetime(2025, 12, 31, 23, 59, 59, 999_999),  # a fraction is cut, never rounded up
    dt.datetime(1969, 12, 31, 23, 59, 59, 123_456),  # before the epoch
    None,
]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_a_naive_timestamp_renders_to_the_second_in_every_unit(unit: str) -> None:
    values = MOMENTS if unit != "s" else [m and m.replace(microsecond=0) for m in MOMENTS]
    column = pa.chunked_array([pa.array(values, pa.timestamp(unit))])
    assert as_text(column).to_pylist() == [
        "2025-01-02 03:04:05",
        "2025-12-31 23:59:59",
        "1969-12-31 23:59:59",
        None,
    ]


def test_an_aware_timestamp_renders_in_its_own_zone() -> None:
    utc = dt.datetime(2025, 1, 2, 0, 30, tzinfo=dt.UTC)
    column = pa.chunked_array([pa.array([utc, None], pa.timestamp("us", tz="Asia/Shanghai"))])
    assert as_text(column).to_pylist() == ["2025-01-02 08:30:00", None]


def test_dates_times_and_dictionaries_render_as_the_csv_writes_them() -> None:
    assert as_text(pa.chunked_array([pa.array([dt.date(2025, 3, 1)])])).to_pylist() == [
        "2025-03-01"
    ]
    assert as_text(pa.chunked_array([pa.array([dt.time(8, 30)])])).to_pylist() == ["08:30"]
    labels = pa.array(["open", "delivered", "open"]).dictionary_encode()
    assert as_text(pa.chunked_array([labels])).to_pylist() == ["open", "delivered", "open"]
