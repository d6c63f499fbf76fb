"""Timestamp, date and time-of-day formats of a vendor export, parsed to the contract's text.

A format is either ``excel_serial`` (Excel's day numbers, 1900 date system: 1 =
1900-01-01, the fraction is the time of day) or ``excel_serial_1904`` (Mac Excel's 1904
system: 0 = 1904-01-01), or a pattern of literal text and these directives:

| directive | matches |
|---|---|
| ``%Y`` | four-digit year |
| ``%m`` ``%d`` ``%H`` | month, day, hour (0-23): one or two digits |
| ``%M`` ``%S`` | minute, second: two digits |
| ``%%`` | a literal ``%`` |

A space matches one or more spaces; leading and trailing spaces of a value are ignored.
``2025/1/3 8:05`` is ``%Y/%m/%d %H:%M``. A value is parsed by the first format that
matches it and gives a real date and time (``2025/2/30`` matches ``%Y/%m/%d`` but is no
date, so it stays as landed and staging quarantines it). Parsing is vectorised (Arrow).

Excel serials: Excel counts 1900-02-29, a day that never was (serial 60, kept for
Lotus 1-2-3 compatibility), so serials from 61 on are one day ahead of a plain count:
serial 61 is 1900-03-01, 59 is 1900-02-28, and 60 is no date (left as landed). The
fraction is rounded to the nearest second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EXCEL_SERIAL = "excel_serial"
EXCEL_SERIAL_1904 = "excel_serial_1904"
_DIRECTIVES = {
    "Y": r"(?P<Y>[0-9]{4})",
    "m": r"(?P<m>[0-9]{1,2})",
    "d": r"(?P<d>[0-9]{1,2})",
    "H": r"(?P<H>[0-9]{1,2})",
    "M": r"(?P<M>[0-9]{2})",
    "S": r"(?P<S>[0-9]{2})",
}
_DATE_PARTS = ("Y", "m", "d")
_TIME_PARTS = ("H", "M", "S")
# Unix epoch in Excel serials: 1970-01-01 is serial 25569 (1900 system), 24107 (1904).
_UNIX_SERIAL = {EXCEL_SERIAL: 25569, EXCEL_SERIAL_1904: 24107}
_MAX_SERIAL = 2958465  # 9999-12-31 in the 1900 system
_NUMBER = r"^\s*(?P<n>[0-9]+(?:\.[0-9]+)?)\s*$"
OUTPUT_FORMAT = {
    "timestamp": "%Y-%m-%d %H:%M:%S",
    "date": "%Y-%m-%d",
    "time": "%H:%M",
}


class FormatError(ValueError):
    """A format that cannot be used for a column (the message says why and what to do)."""


@dataclass(frozen=True)
class Format:
    spec: str
    regex: str | None  # None for Excel serials
    parts: tuple[str, ...]  # directives present, in order

    @property
    def is_serial(self) -> bool:
        return self.regex is None

    @property
    def has_date(self) -> bool:
        return self.is_serial or "Y" in self.parts

    @property
    def has_time(self) -> bool:
        return self.is_serial or "H" in self.parts


def compile_format(spec: str, kind: str) -> Format:
    """Check a format for a column of ``kind`` (timestamp, date or time) and compile it."""
    if spec in (EXCEL_SERIAL, EXCEL_SERIAL_1904):
        if kind == "time":
            raise FormatError(f"{spec!r} is a date, not a time of day: use e.g. '%H:%M'")
        return Format(spec, None, ())
    pattern, parts, i = [], [], 0
    while i < len(spec):
        char = spec[i]
        if char == "%":
            if i + 1 == len(spec):
                raise FormatError(f"{spec!r} ends with a lone '%': write '%%' for a percent sign")
            code = spec[i + 1]
            if code == "%":
                pattern.append("%")
            elif code in _DIRECTIVES:
                if code in parts:
                    raise FormatError(f"{spec!r} has %{code} twice")
                parts.append(code)
                pattern.append(_DIRECTIVES[code])
            else:
                raise FormatError(
                    f"{spec!r}: %{code} is not supported; use %Y %m %d %H %M %S "
                    f"(or {EXCEL_SERIAL!r})"
                )
            i += 2
            continue
        pattern.append(r"\s+" if char == " " else re.escape(char))
        i += 1
    present = set(parts)
    date_parts = present & set(_DATE_PARTS)
    time_parts = present & set(_TIME_PARTS)
    if date_parts and date_parts != set(_DATE_PARTS):
        raise FormatError(f"{spec!r} needs all of %Y, %m and %d for a date")
    if time_parts and not {"H", "M"} <= time_parts:
        raise FormatError(f"{spec!r} needs %H and %M for a time of day")
    if kind in ("timestamp", "date") and not date_parts:
        raise FormatError(f"{spec!r} has no date (%Y, %m, %d) for a {kind} column")
    if kind == "time" and (date_parts or not time_parts):
        raise FormatError(f"{spec!r}: a time-of-day column needs %H:%M and no date")
    return Format(spec, r"^\s*" + "".join(pattern) + r"\s*$", tuple(parts))


def _pad(values: pa.Array, width: int) -> pa.Array:
    return pc.utf8_lpad(values, width=width, padding="0")


def _text_of(struct: pa.Array, fmt: Format, kind: str) -> pa.Array:
    """Contract text from the matched parts (null where the value did not match)."""
    fields = {name: pc.struct_field(struct, name) for name in fmt.parts}
    zero = pa.scalar("00")
    hour = _pad(fields["H"], 2) if "H" in fields else zero
    minute = _pad(fields["M"], 2) if "M" in fields else zero
    second = _pad(fields["S"], 2) if "S" in fields else zero
    if kind == "time":
        return pc.binary_join_element_wise(hour, minute, ":")
    date = pc.binary_join_element_wise(fields["Y"], _pad(fields["m"], 2), _pad(fields["d"], 2), "-")
    clock = pc.binary_join_element_wise(hour, minute, second, ":")
    if kind == "date":
        # a date written with a time is a date only at midnight
        midnight = pc.equal(clock, "00:00:00")
        return pc.if_else(midnight, date, pa.scalar(None, pa.string()))
    return pc.binary_join_element_wise(date, clock, " ")


def _real(text: pa.Array, kind: str) -> pa.Array:
    """``text`` where it is a real date / time (2025-02-30 and 25:00 are not), else null.

    Arrow's strptime rolls an overflowing day or hour over (2025-02-30 -> 2025-03-02), so
    a value is real only when every field of the parsed instant equals the written one."""
    if kind == "time":
        probe = pc.binary_join_element_wise(pa.scalar("2000-01-01"), text, " ")
        probe_fmt = "%Y-%m-%d %H:%M"
    else:
        probe, probe_fmt = text, OUTPUT_FORMAT[kind]
    parsed = pc.strptime(probe, format=probe_fmt, unit="s", error_is_null=True)
    fields = [(pc.year, 0, 4), (pc.month, 5, 7), (pc.day, 8, 10)]
    if kind != "date":
        fields += [(pc.hour, 11, 13), (pc.minute, 14, 16)]
    same = pc.is_valid(parsed)
    for part, start, stop in fields:
        written = pc.cast(pc.utf8_slice_codeunits(probe, start, stop), pa.int64())
        same = pc.and_(same, pc.equal(pc.cast(part(parsed), pa.int64()), written))
    if kind == "timestamp":
        written = pc.cast(pc.utf8_slice_codeunits(probe, 17, 19), pa.int64())
        same = pc.and_(same, pc.equal(pc.cast(pc.second(parsed), pa.int64()), written))
    return pc.if_else(pc.fill_null(same, False), text, pa.scalar(None, pa.string()))


def _serial_text(values: pa.Array, fmt: Format, kind: str) -> pa.Array:
    """Contract text of Excel serial numbers (null where not a serial of a real date)."""
    number = pc.extract_regex(values, _NUMBER)
    as_float = pc.cast(pc.struct_field(number, 0), pa.float64())
    x = as_float.to_numpy(zero_copy_only=False)
    x = np.where(np.isnan(x), -1.0, x)
    days = np.floor(x)
    seconds = np.rint((x - days) * 86400.0)
    carry = seconds >= 86400
    days = days + carry
    seconds = np.where(carry, 0, seconds)
    lowest = 1 if fmt.spec == EXCEL_SERIAL else 0
    valid = (x >= lowest) & (days <= _MAX_SERIAL)
    if fmt.spec == EXCEL_SERIAL:
        valid &= days != 60  # 1900-02-29 never was
        days = np.where(days < 60, days + 1, days)  # before the phantom day: one day back
    if kind == "date":
        valid &= seconds == 0
    epoch = (days - _UNIX_SERIAL[fmt.spec]) * 86400 + seconds
    stamps = pa.array(np.where(valid, epoch, 0).astype("int64"), mask=~valid).cast(
        pa.timestamp("s")
    )
    return pc.strftime(stamps, format=OUTPUT_FORMAT[kind])


def parse_temporal(values: pa.Array, formats: list[Format], kind: str) -> pa.Array:
    """Contract text (``YYYY-MM-DD HH:MM:SS``, ``YYYY-MM-DD`` or ``HH:MM``) where one of
    ``formats`` parses the value, null elsewhere."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.string())
    result = pa.nulls(len(values), pa.string())
    for fmt in formats:
        # each format only sees the values no earlier format parsed
        todo = pc.and_(pc.is_null(result), pc.is_valid(values))
        pending = values.filter(todo)
        if not len(pending):
            break
        if fmt.is_serial:
            text = _serial_text(pending, fmt, kind)
        else:
            text = _real(_text_of(pc.extract_regex(pending, fmt.regex), fmt, kind), kind)
        result = pc.replace_with_mask(result, todo, text)
    return result


def render(text: str, fmt: Format, kind: str) -> str:
    """A contract value written in ``fmt`` (month, day and hour without leading zeros, as
    Excel writes them): the inverse of parsing, used by the sample generator."""
    import datetime as dt

    if kind == "time":
        value = dt.datetime.strptime("2000-01-01 " + text, "%Y-%m-%d %H:%M")
    elif kind == "date":
        value = dt.datetime.strptime(text, "%Y-%m-%d")
    else:
        value = dt.datetime.fromisoformat(text.replace("T", " "))
    if fmt.is_serial:
        base = dt.datetime(1899, 12, 30) if fmt.spec == EXCEL_SERIAL else dt.datetime(1904, 1, 1)
        delta = value - base
        serial = delta.days + delta.seconds / 86400
        if fmt.spec == EXCEL_SERIAL and delta.days < 61:
            serial -= 1
        return f"{serial:.10f}".rstrip("0").rstrip(".")
    parts = {
        "Y": f"{value.year:04d}",
        "m": str(value.month),
        "d": str(value.day),
        "H": str(value.hour),
        "M": f"{value.minute:02d}",
        "S": f"{value.second:02d}",
    }
    return re.sub(r"%(.)", lambda m: parts.get(m.group(1), m.group(1)), fmt.spec)
