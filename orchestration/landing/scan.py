"""Every file of a landing directory to its status, engine-neutral.

``scan_landing`` yields one :class:`FileOutcome` per file; the engine writes the rows of
the ``loaded`` ones (``outcome.data``, text columns in contract order) and registers every
outcome. A file name already registered as loaded (or duplicate) for its table is not
opened again; a file whose content was already loaded under another name is a duplicate
and adds no rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from orchestration.arrow_memory import use_reusing_pool
from orchestration.contract import Table
from orchestration.landing.context import load_source, read_context
from orchestration.landing.discovery import check_landing_dir, discover
from orchestration.landing.mapping import Mapping as SourceMapping
from orchestration.landing.model import DUPLICATE, LOADED, REJECTED, Problem
from orchestration.landing.normalize import normalize, wanted_columns
from orchestration.landing.read_ahead import read_ahead
from orchestration.landing.readers import read_file


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class FileOutcome:
    folder: str  # the table's folder (or the folder of an ignored file), relative
    path: Path
    status: str  # loaded / duplicate / rejected / ignored / deferred
    reason: str = ""  # rejected, ignored, deferred: why; loaded: notes
    table: Table | None = None
    file_hash: str | None = None
    data: pa.Table | None = None  # rows to write: only for a file loaded in this run
    duplicate_of: str | None = None
    earlier: bool = False  # registered by an earlier run: not opened this time
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # loaded, but the user should act
    mapping: str | None = None  # fingerprint of the mapping that read the file

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def row_count(self) -> int | None:
        return None if self.data is None else self.data.num_rows

    @property
    def where(self) -> str:
        """The file's path relative to the landing directory."""
        return f"{self.folder}/{self.file_name}" if self.folder else self.file_name


def read_landing_table(path: Path, table: Table, landing_dir: Path | None = None):
    """Read and normalize one file of ``table``'s folder: ``ReadResult``."""
    landing_dir = landing_dir if landing_dir is not None else path.parent.parent
    ctx = read_context(landing_dir, table.name)
    return normalize(read_file(path, ctx, wanted_columns(ctx, table)), ctx, table, path.name)


def scan_landing(
    landing_dir: Path,
    registered: Mapping[str, Mapping[str, tuple[str, str]]],
    settle: float | None = None,
    mapping: SourceMapping | None = None,
) -> Iterator[FileOutcome]:
    """One outcome per file under ``landing_dir`` (see the module docstring).

    ``registered``: table name → file name → (hash, status) of the files registered by
    earlier runs. Raises ``LandingDirError`` / ``LandingConfigError`` before yielding
    anything when the directory or its mapping is unusable. The mapping is chosen once.
    The files are read through Arrow's jemalloc pool (:mod:`orchestration.arrow_memory`).
    """
    check_landing_dir(landing_dir)
    use_reusing_pool()
    mapping = load_source(landing_dir) if mapping is None else mapping
    entries = discover(landing_dir, settle)
    seen: dict[str, dict[str, str]] = {}  # table → hash → first name with that content
    for name, files in registered.items():
        seen[name] = {}
        for file_name, (file_hash, _status) in sorted(files.items()):
            seen[name].setdefault(file_hash, file_name)
    for entry in entries:
        if entry.status is not None or entry.table is None:
            yield FileOutcome(entry.folder, entry.path, entry.status or "ignored", entry.reason)
            continue
        table = entry.table
        known = registered.get(table.name, {})
        if entry.path.name in known:
            file_hash, status = known[entry.path.name]
            yield FileOutcome(
                entry.folder,
                entry.path,
                DUPLICATE if status.startswith("duplicate") else LOADED,
                "registered by an earlier run (not read again)",
                table=table,
                file_hash=file_hash,
                earlier=True,
            )
            continue
        file_hash = file_sha256(entry.path)
        hashes = seen.setdefault(table.name, {})
        if file_hash in hashes:
            yield FileOutcome(
                entry.folder,
                entry.path,
                DUPLICATE,
                f"same content as {hashes[file_hash]}",
                table=table,
                file_hash=file_hash,
                duplicate_of=hashes[file_hash],
            )
            continue
        ctx = read_context(landing_dir, table.name, mapping)
        read = read_file(entry.path, ctx, wanted_columns(ctx, table))
        result = normalize(read, ctx, table, entry.path.name)
        if result.ok:
            hashes[file_hash] = entry.path.name
            yield FileOutcome(
                entry.folder,
                entry.path,
                LOADED,
                "; ".join(result.notes),
                table=table,
                file_hash=file_hash,
                data=result.table,
                warnings=result.warnings,
                mapping=mapping.fingerprint,
            )
        else:
            yield FileOutcome(
                entry.folder,
                entry.path,
                REJECTED,
                " | ".join(
                    p.describe(f"{entry.folder}/{entry.path.name}") for p in result.problems
                ),
                table=table,
                file_hash=file_hash,
                problems=result.problems,
                mapping=mapping.fingerprint,
            )


def scan_landing_ahead(
    landing_dir: Path,
    registered: Mapping[str, Mapping[str, tuple[str, str]]],
    settle: float | None,
    mapping: SourceMapping | None,
    budget_rows: int,
) -> Iterator[FileOutcome]:
    """:func:`scan_landing`, read in a background thread while the engine writes what came
    before: at most ``budget_rows`` rows read ahead (``orchestration.landing.read_ahead``)."""
    return read_ahead(
        scan_landing(landing_dir, registered, settle, mapping),
        lambda outcome: max(outcome.row_count or 0, 1),
        budget_rows,
    )
