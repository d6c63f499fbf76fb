"""Typed rows -> Arrow tables: typed for Parquet, text with the contract's allowed mess for CSV.

CSV mess (all allowed by the raw contract): booleans in any accepted spelling (empty for
false in non-null columns), enumerated codes in odd case or padded with spaces, ``T``
instead of the space in timestamps, timestamps without seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.contract import TABLES
from orchestration.sample_data.params import MINUTE, NULL_I
from orchestration.sample_data.schema import KINDS

Rows = dict[str, np.ndarray]
TRUE_WORDS = ("true", "TRUE", "True", "1", "Y", "y", "yes", "T")
FALSE_WORDS = ("false", "FALSE", "False", "0", "N", "n", "no", "F", "")


@dataclass(frozen=True)
class CsvStyle:
    """File-level formatting choices of one CSV batch."""

    t_separator_share: float = 0.0  # share of rows writing `T` between date and time
    minutes_only: bool = False  # timestamps as YYYY-MM-DD HH:MM
    odd_share: float = 0.0  # share of booleans / codes in an unusual spelling


def _int_array(values: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    mask = values == NULL_I
    return pa.array(np.where(mask, 0, values), type=pa.int64(), mask=mask).cast(arrow_type)


def _bool_array(values: np.ndarray) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values == 1, type=pa.bool_(), mask=values < 0)


def typed_table(table: str, rows: Rows) -> pa.Table:
    """Arrow table with the contract's columns typed (Parquet export)."""
    arrays = {}
    for col in TABLES[table].columns:
        kind, v = KINDS[table][col], rows[col]
        if kind == "ts":
            arrays[col] = _int_array(v, pa.int64()).cast(pa.timestamp("s")).cast(pa.timestamp("ms"))
        elif kind == "date":
            arrays[col] = _int_array(v, pa.int32()).cast(pa.date32())
        elif kind in ("bool", "bool_null"):
            arrays[col] = _bool_array(v)
        elif kind == "int":
            arrays[col] = _int_array(v, pa.int32())
        elif kind == "dec":
            arrays[col] = pa.array(np.asarray(v, dtype=float), type=pa.float64(), from_pandas=True)
        else:
            arrays[col] = pa.array(v, type=pa.string())
    return pa.table(arrays)


def _odd_codes(arr: pa.Array, rng: np.random.Generator, share: float) -> pa.Array:
    n = len(arr)
    if share <= 0 or n == 0:
        return arr
    u = rng.random(n)
    upper = pa.array(u < share / 3)
    title = pa.array((u >= share / 3) & (u < 2 * share / 3))
    pad = pa.array((u >= 2 * share / 3) & (u < share))
    out = pc.if_else(upper, pc.utf8_upper(arr), arr)
    out = pc.if_else(title, pc.utf8_capitalize(out), out)
    padded = pc.binary_join_element_wise(" ", pc.utf8_capitalize(out), " ", "")
    return pc.if_else(pad, padded, out)


def _bool_text(
    values: np.ndarray, nullable: bool, rng: np.random.Generator, share: float
) -> pa.Array:
    values = np.asarray(values)
    n = len(values)
    false_words = FALSE_WORDS if not nullable else FALSE_WORDS[:-1]
    vocab = pa.array(list(TRUE_WORDS) + list(false_words), type=pa.string())
    odd = rng.random(n) < share
    t_idx = np.where(odd, rng.integers(1, len(TRUE_WORDS), n), 0)
    f_idx = len(TRUE_WORDS) + np.where(odd, rng.integers(1, len(false_words), n), 0)
    idx = np.where(values == 1, t_idx, f_idx).astype(np.int32)
    dict_arr = pa.DictionaryArray.from_arrays(pa.array(idx, mask=values < 0), vocab)
    return dict_arr.cast(pa.string())


def _ts_text(values: np.ndarray, style: CsvStyle, rng: np.random.Generator) -> pa.Array:
    values = np.asarray(values)
    if style.minutes_only:
        values = np.where(values == NULL_I, NULL_I, values // MINUTE * MINUTE)
    ts = _int_array(values, pa.int64()).cast(pa.timestamp("s"))
    fmt = "%Y-%m-%d %H:%M" if style.minutes_only else "%Y-%m-%d %H:%M:%S"
    text = pc.strftime(ts, format=fmt)
    if style.t_separator_share > 0:
        t_rows = pa.array(rng.random(len(values)) < style.t_separator_share)
        text = pc.if_else(t_rows, pc.replace_substring(text, " ", "T", max_replacements=1), text)
    return text


def text_table(table: str, rows: Rows, style: CsvStyle, rng: np.random.Generator) -> pa.Table:
    """Arrow table of strings (null = empty field) in the CSV export's spelling."""
    arrays = {}
    for col in TABLES[table].columns:
        kind, v = KINDS[table][col], rows[col]
        if kind == "ts":
            arrays[col] = _ts_text(v, style, rng)
        elif kind == "date":
            arrays[col] = _int_array(np.asarray(v), pa.int32()).cast(pa.date32()).cast(pa.string())
        elif kind in ("bool", "bool_null"):
            arrays[col] = _bool_text(v, kind == "bool_null", rng, style.odd_share)
        elif kind == "int":
            arrays[col] = _int_array(np.asarray(v), pa.int64()).cast(pa.string())
        elif kind == "dec":
            arrays[col] = pa.array(
                np.asarray(v, dtype=float), type=pa.float64(), from_pandas=True
            ).cast(pa.string())
        elif kind == "code":
            arrays[col] = _odd_codes(pa.array(v, type=pa.string()), rng, style.odd_share * 0.3)
        else:
            arrays[col] = pa.array(v, type=pa.string())
    return pa.table(arrays)


def format_number(value: float) -> str:
    """A decimal as the CSV export writes it."""
    return pa.array([float(value)]).cast(pa.string())[0].as_py()
