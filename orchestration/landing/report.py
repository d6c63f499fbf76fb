"""What an ingest did, file by file: the same report on every engine.

The asset, the CLI and the dry run read it: the files loaded (with the mapping's warnings),
the duplicates, the files not loaded and why, and the rows per raw table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.landing.model import DEFERRED, DUPLICATE, IGNORED, LOADED, REJECTED
from orchestration.landing.scan import FileOutcome


@dataclass(frozen=True)
class LoadedFile:
    table_name: str
    file_name: str
    file_hash: str
    row_count: int
    status: str  # "loaded" or "duplicate_content"
    duplicate_of: str | None = None
    mapping: str | None = None  # fingerprint of the mapping that read the file
    warnings: tuple[str, ...] = ()  # the mapping's warnings (the file loads all the same)


@dataclass
class IngestReport:
    files_loaded: list[LoadedFile] = field(default_factory=list)
    files_duplicate: list[LoadedFile] = field(default_factory=list)
    files_skipped: int = 0  # already loaded under this name: not even opened
    rows_loaded: dict[str, int] = field(default_factory=dict)
    # every file that was not loaded: rejected, ignored or deferred, with the reason
    files_rejected: list[FileOutcome] = field(default_factory=list)
    files_ignored: list[FileOutcome] = field(default_factory=list)
    files_deferred: list[FileOutcome] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_loaded.values())

    def note(self, outcome: FileOutcome) -> None:
        """Count a file that adds no rows (rejected, ignored, deferred, loaded earlier)."""
        if outcome.status == REJECTED:
            self.files_rejected.append(outcome)
        elif outcome.status == IGNORED:
            self.files_ignored.append(outcome)
        elif outcome.status == DEFERRED:
            self.files_deferred.append(outcome)
        elif outcome.earlier:
            self.files_skipped += 1

    def rejection_message(self) -> str:
        """Why the run must not publish: one line per rejected file ("" when none)."""
        if not self.files_rejected:
            return ""
        lines = [
            f"{len(self.files_rejected)} landing file(s) rejected (their rows are not "
            "loaded; the other files are). Nothing is published until each is fixed or "
            "removed from the landing directory:"
        ]
        lines += [f"  - {outcome.reason}" for outcome in self.files_rejected]
        return "\n".join(lines)

    def lines(self) -> list[str]:
        """A short text report of the files that were not loaded, and of the mapping's
        warnings for the files that were."""
        out = [
            f"WARNING  {record.table_name}/{record.file_name}: {warning}"
            for record in self.files_loaded
            for warning in record.warnings
        ]
        for label, files in (
            ("rejected", self.files_rejected),
            ("ignored", self.files_ignored),
            ("deferred", self.files_deferred),
        ):
            for outcome in files:
                where = outcome.where
                text = outcome.reason if label == "rejected" else f"{where}: {outcome.reason}"
                out.append(f"{label.upper():<8} {text}")
        return out

    def summary(self) -> list[str]:
        """Counts, rows per table, then :meth:`lines` (for a command's output)."""
        head = (
            f"loaded {len(self.files_loaded)} files ({self.total_rows} rows), "
            f"{len(self.files_duplicate)} duplicate content, {self.files_skipped} already loaded"
        )
        tables = [f"  {name:<14} {rows:>10}" for name, rows in self.rows_loaded.items()]
        return [head, *tables, *self.lines()]


def loaded_file(outcome: FileOutcome) -> LoadedFile:
    """The register row of a file this run loads, or registers as a duplicate."""
    assert outcome.table is not None and outcome.file_hash is not None
    if outcome.status == DUPLICATE:
        return LoadedFile(
            outcome.table.name,
            outcome.file_name,
            outcome.file_hash,
            0,
            "duplicate_content",
            duplicate_of=outcome.duplicate_of,
        )
    return LoadedFile(
        outcome.table.name,
        outcome.file_name,
        outcome.file_hash,
        outcome.row_count or 0,
        LOADED,
        mapping=outcome.mapping,
        warnings=tuple(outcome.warnings),
    )
