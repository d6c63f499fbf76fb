"""Vendor timestamp, date and time formats, and Excel serial numbers."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from orchestration.landing.mapping.temporal import (
    FormatError,
    compile_format,
    parse_temporal,
    render,
)


def parse(values: list[str | None], specs: list[str], kind: str = "timestamp") -> list:
    formats = [compile_format(s, kind) for s in specs]
    return parse_temporal(pa.array(values, pa.string()), formats, kind).to_pylist()


def test_excel_style_timestamps_without_leading_zeros() -> None:
    specs = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]
    assert parse(
        ["2025/1/3 8:05", "2025/01/03 08:05:07", " 2025/12/31  23:59 ", "2025/1/3 8:5", None],
        specs,
    ) == [
        "2025-01-03 08:05:00",  # minute precision: seconds 00
        "2025-01-03 08:05:07",
        "2025-12-31 23:59:00",
        None,  # minutes have two digits
        None,
    ]


def test_date_only_form_of_a_timestamp_is_midnight() -> None:
    assert parse(["2025/1/3", "2025/1/3 8:05"], ["%Y/%m/%d"]) == ["2025-01-03 00:00:00", None]


def test_no_date_or_time_that_never_was() -> None:
    # Arrow's strptime would roll 2025/2/30 over to March 2nd; the mapping does not
    values = ["2025/2/30 10:00", "2025/2/29 10:00", "2024/2/29 10:00", "2025/1/3 24:00"]
    assert parse(values, ["%Y/%m/%d %H:%M"]) == [None, None, "2024-02-29 10:00:00", None]


def test_first_matching_format_wins_and_other_text_is_left() -> None:
    specs = ["%d.%m.%Y %H:%M", "%Y年%m月%d日 %H:%M"]
    assert parse(["3.1.2025 8:05", "2025年1月3日 8:05", "yesterday", ""], specs) == [
        "2025-01-03 08:05:00",
        "2025-01-03 08:05:00",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("45660.3368055556", "2025-01-03 08:05:00"),
        ("45660", "2025-01-03 00:00:00"),
        ("45660.99999999", "2025-01-04 00:00:00"),  # rounds to the second, carries the day
        ("1", "1900-01-01 00:00:00"),
        ("59", "1900-02-28 00:00:00"),
        ("60", None),  # Excel's 1900-02-29 never was
        ("61", "1900-03-01 00:00:00"),
        ("0", None),
        ("-3", None),
        ("1e5", None),
        ("2958465", "9999-12-31 00:00:00"),
        ("2958466", None),
    ],
)
def test_excel_serials_1900_system(serial: str, expected: str | None) -> None:
    assert parse([serial], ["excel_serial"]) == [expected]


def test_excel_serials_1904_system() -> None:
    assert parse(["0", "44198.5"], ["excel_serial_1904"]) == [
        "1904-01-01 00:00:00",
        "2025-01-03 12:00:00",
    ]


def test_dates_take_serials_and_midnight_only() -> None:
    assert parse(
        ["45660", "45660.5", "2025/1/3", "2025/1/3 0:00", "2025/1/3 8:00"],
        ["%Y/%m/%d", "%Y/%m/%d %H:%M", "excel_serial"],
        "date",
    ) == [
        "2025-01-03",
        None,
        "2025-01-03",
        "2025-01-03",
        None,
    ]


def test_times_of_day() -> None:
    assert parse(["8:00", "23:59", "24:00", "08:00:00"], ["%H:%M"], "time") == [
        "08:00",
        "23:59",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("spec", "kind", "message"),
    [
        ("%Y/%m", "timestamp", "all of %Y, %m and %d"),
        ("%H:%M", "timestamp", "no date"),
        ("%Y-%m-%d %q", "timestamp", "%q is not supported"),
        ("%Y-%m-%d %", "timestamp", "lone '%'"),
        ("%Y/%m/%d %H", "timestamp", "%H and %M"),
        ("%Y/%m/%d %d", "timestamp", "%d twice"),
        ("%Y/%m/%d", "time", "no date"),
        ("excel_serial", "time", "not a time of day"),
    ],
)
def test_bad_format_specs(spec: str, kind: str, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        compile_format(spec, kind)


def test_render_is_the_inverse_of_parse() -> None:
    rng = random.Random(3)
    specs = ["%Y/%m/%d %H:%M:%S", "excel_serial", "excel_serial_1904"]
    for _ in range(300):
        moment = datetime(1904, 1, 1) + timedelta(seconds=rng.randrange(0, 200 * 365 * 86400))
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        for spec in specs:
            fmt = compile_format(spec, "timestamp")
            assert parse([render(text, fmt, "timestamp")], [spec]) == [text], (spec, text)
    early = compile_format("excel_serial", "timestamp")
    assert render("1900-02-28 00:00:00", early, "timestamp") == "59"
    assert render("1900-03-01 00:00:00", early, "timestamp") == "61"
