"""The quarantine gate in words: which batches (files) are over the limit, by how much, and
why (the most frequent quarantine reasons), read from a built warehouse.

dbt's ``assert_quarantine_share_within_limit`` fails the build; this names the files. Used
by the refresh when that test fails, and by the dry run (``aftersales-check-landing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import yaml

from orchestration.config import PROJECT_DIR
from orchestration.engines.base import EngineError

if TYPE_CHECKING:
    from orchestration.engines.base import Engine

GATE_TEST = "assert_quarantine_share_within_limit"
TOP_REASONS = 3
DEFAULT_LIMIT = 0.05


def max_quarantine_share(project_dir: Path = PROJECT_DIR) -> float:
    """``vars.max_quarantine_share`` of dbt_project.yml (the limit the dbt test applies)."""
    try:
        config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
        return float(config["vars"]["max_quarantine_share"])
    except (OSError, KeyError, TypeError, ValueError):
        return DEFAULT_LIMIT


@dataclass(frozen=True)
class BatchShare:
    table_name: str
    source_file: str
    rows_arrived: int
    rows_kept: int
    rows_quarantined: int
    share: float
    top_reasons: tuple[tuple[str, int], ...]

    def describe(self) -> str:
        reasons = ", ".join(f"{reason} x{count}" for reason, count in self.top_reasons)
        return (
            f"{self.table_name}/{self.source_file}: {self.rows_quarantined} of "
            f"{self.rows_arrived} rows quarantined ({self.share:.1%})"
            + (f"; top reasons: {reasons}" if reasons else "")
        )


def top_reasons(
    con: duckdb.DuckDBPyConnection, table_name: str, source_file: str, limit: int = TOP_REASONS
) -> tuple[tuple[str, int], ...]:
    """The most frequent quarantine reasons of a batch (a row may have several)."""
    rows = con.execute(
        "select reason, count(*) from (select unnest(string_split(quarantine_reason, ';')) "
        f"as reason from staging.stg_dms__{table_name}_quarantine where _source_file = ?) "
        "group by 1 order by 2 desc, 1 limit ?",
        [source_file, limit],
    ).fetchall()
    return tuple((str(reason), int(count)) for reason, count in rows)


def batch_shares(con: duckdb.DuckDBPyConnection, over: float | None = None) -> list[BatchShare]:
    """Every batch of ``staging.stg_dms__batch_quality`` (only those above ``over``)."""
    where = "" if over is None else f"where quarantined_share > {float(over)!r}"
    rows = con.execute(
        "select table_name, source_file, rows_arrived, rows_kept, rows_quarantined, "
        f"cast(coalesce(quarantined_share, 0) as double) from staging.stg_dms__batch_quality "
        f"{where} order by table_name, source_file"
    ).fetchall()
    return [
        BatchShare(
            table, name, int(arrived), int(kept), int(quarantined), float(share),
            top_reasons(con, table, name) if quarantined else (),
        )
        for table, name, arrived, kept, quarantined, share in rows
    ]  # fmt: skip


def gate_message(engine: Engine, limit: float | None = None) -> str:
    """The batches over the limit, one line each ("" when none or unreadable)."""
    limit = max_quarantine_share() if limit is None else limit
    try:
        with engine.read_build() as con:
            over = batch_shares(con, limit)
    except (duckdb.Error, EngineError):
        return ""
    if not over:
        return ""
    lines = [
        f"quarantine gate: {len(over)} batch(es) over the limit of {limit:.1%} of rows "
        "quarantined. Fix the export and replace the batch (aftersales-refresh --retract "
        "<table>/<file>, then land the corrected file), or correct the source data:"
    ]
    lines += [f"  - {batch.describe()}" for batch in over]
    return "\n".join(lines)
