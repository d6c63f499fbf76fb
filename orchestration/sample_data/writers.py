"""Serialise one export batch as RFC 4180 CSV bytes or as a Parquet file."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

BOM = b"\xef\xbb\xbf"
_NEEDS_QUOTES = r'[,"\r\n]|^\s|\s$'


def _csv_field(arr: pa.Array) -> pa.Array:
    """Quote a text column where RFC 4180 needs it (or edge spaces); null -> empty."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    needs = pc.fill_null(pc.match_substring_regex(arr, _NEEDS_QUOTES), False)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs, quoted, arr), "")


def csv_bytes(table: pa.Table, *, bom: bool = False, crlf: bool = False) -> bytes:
    """The table (all string columns) as CSV with a header row."""
    newline = "\r\n" if crlf else "\n"
    header = ",".join(table.column_names) + newline
    out = io.BytesIO()
    if bom:
        out.write(BOM)
    out.write(header.encode("utf-8"))
    if table.num_rows:
        fields = [_csv_field(table.column(c)) for c in table.column_names]
        lines = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
        lines = pc.binary_join_element_wise(lines, newline, "")
        lines = lines.cast(pa.large_string())
        offsets = lines.buffers()[1]
        data = lines.buffers()[2]
        first = pa.Array.from_buffers(pa.int64(), 1, [None, offsets], offset=lines.offset)
        last = pa.Array.from_buffers(
            pa.int64(), 1, [None, offsets], offset=lines.offset + len(lines)
        )
        out.write(memoryview(data)[first[0].as_py() : last[0].as_py()])
    return out.getvalue()


def write_csv(path: Path, table: pa.Table, *, bom: bool = False, crlf: bool = False) -> int:
    data = csv_bytes(table, bom=bom, crlf=crlf)
    path.write_bytes(data)
    return len(data)


VENDOR_FORMATS = ("csv", "gb18030", "xlsx")  # how a vendor shape's batches are written


def write_xlsx(path: Path, table: pa.Table) -> int:
    """The table (all string columns) as one worksheet, header in row 1, empty = no cell."""
    try:
        import openpyxl
    except ImportError as error:  # a dev dependency: the ingest reads with python-calamine
        raise RuntimeError(
            "writing .xlsx needs openpyxl: pip install -e '.[dev]' (or openpyxl)"
        ) from error
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("export")
    sheet.append(table.column_names)
    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
        sheet.append([value if value else None for value in row])
    book.save(path)
    return path.stat().st_size


def write_vendor(
    path: Path, table: pa.Table, file_format: str, *, bom: bool = False, crlf: bool = False
) -> int:
    """A vendor-shaped batch: UTF-8 CSV, GB18030 CSV (no BOM) or an Excel workbook."""
    if file_format == "xlsx":
        return write_xlsx(path, table)
    if file_format == "gb18030":
        data = csv_bytes(table, crlf=crlf).decode("utf-8").encode("gb18030")
        path.write_bytes(data)
        return len(data)
    return write_csv(path, table, bom=bom, crlf=crlf)


def write_parquet(path: Path, table: pa.Table) -> int:
    pq.write_table(table, path, compression="snappy")
    return path.stat().st_size
