"""Pick the reader for a file by its extension: ``path → ReadResult``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orchestration.landing.csv_reader import read_csv
from orchestration.landing.excel_reader import read_excel
from orchestration.landing.model import Problem, ReadContext, ReadResult
from orchestration.landing.parquet_reader import read_parquet

Reader = Callable[[Path, ReadContext, tuple[str, ...]], ReadResult]

READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".tsv": read_csv,
    ".xlsx": read_excel,
    ".xlsm": read_excel,
    ".xlsb": read_excel,
    ".xls": read_excel,
    ".ods": read_excel,
    ".parquet": read_parquet,
}
DATA_SUFFIXES: tuple[str, ...] = tuple(READERS)


def read_file(path: Path, ctx: ReadContext, wanted: tuple[str, ...] = ()) -> ReadResult:
    """Read one landing file as text columns; never raises for what is in the file.

    ``wanted``: the column names the reader may use to sniff a CSV delimiter.
    """
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return ReadResult.rejected(Problem(f"no reader for {path.suffix!r} files"))
    try:
        return reader(path, ctx, wanted)
    except MemoryError:
        raise
    except OSError as error:
        return ReadResult.rejected(
            Problem(f"the file could not be read ({error})", action="Check it and land it again")
        )
    except Exception as error:  # a reader bug must not stop the other files
        return ReadResult.rejected(
            Problem(
                f"unexpected error while reading ({type(error).__name__}: {error})",
                action="Report this with the file; export it again as CSV UTF-8 meanwhile",
            )
        )
