"""Excel workbooks (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``) via python-calamine:
the first sheet, header row first, every cell rendered as the text a CSV export of it would
hold (dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DD HH:MM:SS``, whole numbers without
``.0``, booleans ``true``/``false``). An empty cell is ``None``; rows that are empty in
every cell are skipped, as blank lines in a CSV are.

Excel serial numbers in cells formatted as numbers stay numbers (a source mapping turns
them into timestamps).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import python_calamine

from orchestration.landing.model import Problem, ReadContext, ReadResult

SAVE_AS = "Open it in Excel and save it again (or export it as CSV UTF-8)"


def cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_excel(path: Path, ctx: ReadContext, wanted: tuple[str, ...] = ()) -> ReadResult:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            return ReadResult.rejected(Problem("the workbook has no sheet", action=SAVE_AS))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types per format
        return ReadResult.rejected(
            Problem(f"not a readable workbook ({type(error).__name__}: {error})", action=SAVE_AS)
        )
    notes = [f"sheet {workbook.sheet_names[0]!r}"]
    if len(workbook.sheet_names) > 1:
        notes.append(f"only the first of {len(workbook.sheet_names)} sheets is read")
    texts = [[cell_text(v) for v in row] for row in rows]
    # leading empty rows (a title block) are not the header: the first non-empty row is
    while texts and all(v is None for v in texts[0]):
        texts.pop(0)
    if not texts:
        return ReadResult.rejected(
            Problem(
                "the first sheet is empty (no header row)",
                action="Put the header in the first row of the first sheet",
            )
        )
    header, body = texts[0], [r for r in texts[1:] if any(v is not None for v in r)]
    names = [(name or "").strip() for name in header]
    width = len(names)
    for number, row in enumerate(texts[1:], start=2):
        if any(v is not None for v in row[width:]):
            return ReadResult.rejected(
                Problem(
                    f"a value right of the last header cell (column {width + 1})",
                    line=number,
                    action="Give every column a header, or delete the stray cells",
                )
            )
    arrays = [
        pa.array([r[index] if index < len(r) else None for r in body], pa.string())
        for index in range(width)
    ]
    table = pa.Table.from_arrays(arrays, names=names) if width else None
    if table is None:
        return ReadResult.rejected(Problem("the first sheet has no header row", action=SAVE_AS))
    return ReadResult(table, [], notes)
