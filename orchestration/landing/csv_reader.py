"""CSV (and TSV) files: any encoding, comma/semicolon/tab, CRLF, quoted newlines, fields of
any size; every value read as the text that landed.

Only an unquoted empty field becomes ``None`` (as the contract says: an empty field is
null); ``NA``, ``null``, ``N/A`` … stay text, so the quarantine shows what landed.
UTF-8 files (with or without byte-order mark) are parsed straight from the bytes; any other
encoding is decoded strictly first (a byte that does not decode rejects the file, naming
its line).
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from orchestration.landing import encoding as enc
from orchestration.landing.model import Problem, ReadContext, ReadResult

DELIMITERS = (",", ";", "\t")
# pyarrow parses in blocks; a quoted field longer than a block is read again with the whole
# file as one block.
BLOCK_SIZE = 16 << 20
MAX_BLOCK_SIZE = (1 << 31) - 1
SHOWN_BAD_ROWS = 5
SAVE_AS = "Save or export it again as CSV (UTF-8) and land it under the same name"


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:
        return []


def sniff_delimiter(head: str, wanted: tuple[str, ...] = ()) -> str:
    """The delimiter of a header line: the one whose split names the most contract columns,
    then the one giving the most fields; comma on a tie."""
    wanted_set = {name.lower() for name in wanted}

    def score(delimiter: str) -> tuple[int, int]:
        names = _first_record(head, delimiter)
        hits = sum(1 for name in names if name.strip().lower() in wanted_set)
        return hits, len(names)

    return max(DELIMITERS, key=lambda d: (score(d), d == ","))


def _head_text(data: bytes, encoding: str) -> str:
    """The first line or so, decoded (for the delimiter)."""
    sample = data[:65536]
    text = sample.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").split("\n", 1)[0]


def _parse(
    source: bytes, delimiter: str, names: list[str], block_size: int, handler=None
) -> pa.Table:
    return pa_csv.read_csv(
        pa.BufferReader(source),
        read_options=pa_csv.ReadOptions(block_size=block_size, use_threads=handler is None),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=handler
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _bad_rows(source: bytes, delimiter: str, names: list[str], block_size: int) -> list[Problem]:
    found: list[Problem] = []

    def handler(row: pa_csv.InvalidRow) -> str:
        if len(found) < SHOWN_BAD_ROWS:
            found.append(
                Problem(
                    f"expected {row.expected_columns} fields, found {row.actual_columns} "
                    "(an unbalanced quote or a stray delimiter)",
                    line=row.number,
                )
            )
        return "skip"

    with contextlib.suppress(pa.ArrowInvalid):
        _parse(source, delimiter, names, block_size, handler)
    return found


def read_csv(path: Path, ctx: ReadContext, wanted: tuple[str, ...] = ()) -> ReadResult:
    data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        return ReadResult.rejected(
            Problem(
                "the file is empty (no header row)",
                action="If the export had no rows, land a file with just the header line; "
                "otherwise export it again",
            )
        )
    try:
        encoding = enc.detect(data, ctx.encoding)
    except enc.UnknownEncodingError as error:
        return ReadResult.rejected(
            Problem(str(error), action="Save it as UTF-8, or pin the folder's encoding")
        )
    if encoding == "utf-8" and ctx.encoding is None:
        # the sample was UTF-8: make sure the rest is too, else detect around the first
        # byte that is not (a mostly-ASCII GB18030 export can start with pure ASCII)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            start = max(0, error.start - 4096)
            try:
                encoding = enc.detect(data[start : start + enc.DETECT_SAMPLE_BYTES])
            except enc.UnknownEncodingError:
                encoding = "utf-8"
            if encoding == "utf-8":
                return ReadResult.rejected(
                    Problem(
                        "bytes that are not valid UTF-8, and no other encoding fits",
                        line=enc.decode_error_line(data, "utf-8", error),
                        action=f"{SAVE_AS}, or pin the folder's encoding",
                    )
                )
    notes = [f"encoding {encoding}"]
    source = data
    if encoding not in ("utf-8", "utf-8-sig"):
        try:
            source = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as error:
            return ReadResult.rejected(
                Problem(
                    f"bytes that are not valid {encoding}",
                    line=enc.decode_error_line(data, encoding, error),
                    action=f"{SAVE_AS}, or pin the folder's encoding if {encoding} is wrong",
                ),
                notes=notes,
            )
    head = _head_text(source, "utf-8")
    delimiter = sniff_delimiter(head, wanted)
    if delimiter != ",":
        notes.append(f"delimiter {delimiter!r}")
    names = _first_record(head, delimiter)
    block_size = BLOCK_SIZE
    for attempt in range(2):
        try:
            table = _parse(source, delimiter, names, block_size)
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            text = str(error)
            if "straddl" in text and attempt == 0:
                block_size = min(max(len(source) + 1, BLOCK_SIZE), MAX_BLOCK_SIZE)
                continue
            if "invalid UTF8" in text or isinstance(error, UnicodeDecodeError):
                return ReadResult.rejected(
                    Problem(
                        "bytes that are not valid UTF-8 (the pinned encoding)",
                        action=f"{SAVE_AS}, or pin the folder's encoding",
                    ),
                    notes=notes,
                )
            problems = _bad_rows(source, delimiter, names, block_size)
            if not problems:
                problems = [Problem(f"not a readable CSV ({text.splitlines()[0]})")]
            problems[-1] = Problem(
                problems[-1].message, problems[-1].line, problems[-1].column, SAVE_AS
            )
            return ReadResult.rejected(*problems, notes=notes)
    unclosed = _unclosed_quote_at_end(table, source, delimiter)
    if unclosed is not None:
        return ReadResult.rejected(unclosed, notes=notes)
    return ReadResult(table, [], notes)


def _unclosed_quote_at_end(table: pa.Table, source: bytes, delimiter: str) -> Problem | None:
    """A quote opened in the last row and never closed swallows the rest of the file into
    one field without any parse error. Only a last row with a line break in a value can
    be that; then a strict parse of the text tells."""
    if table.num_rows == 0:
        return None
    last = table.slice(table.num_rows - 1).to_pylist()[0]
    if not any(isinstance(v, str) and ("\n" in v or "\r" in v) for v in last.values()):
        return None
    reader = csv.reader(
        io.StringIO(source.decode("utf-8-sig", errors="replace"), newline=""),
        delimiter=delimiter,
        strict=True,
    )
    try:
        for _ in reader:
            pass
    except csv.Error:
        return Problem(
            f"data row {table.num_rows} opens a quote that is never closed: the rest of "
            "the file would be read as one value",
            line=None,
            action=SAVE_AS,
        )
    return None
