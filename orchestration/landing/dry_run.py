"""``aftersales-check-landing DIR``: what a refresh would make of a landing directory,
without touching any warehouse.

Honest by construction: the files are read by the ingest itself into a throw-away DuckDB
file in a temporary directory, and the quarantine is decided by the project's own dbt
staging models, built there (``dbt build --select +stg_dms__batch_quality``, no tests): the
same SQL as the refresh, not a re-implementation. The report prints per file its status,
rows, rows quarantined per reason and the first examples by row number and primary key —
never other values (names, phones and comments stay out of the terminal). Exit code 1
when the refresh would not publish (a rejected file or a batch over the quarantine
limit), 2 when the directory itself is refused, else 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.config import PROJECT_DIR, WAREHOUSE_FILE_NAME
from orchestration.contract import TABLES
from orchestration.engines.duckdb.ingest import IngestReport, ingest_landing
from orchestration.landing.discovery import LandingDirError
from orchestration.landing.gate import BatchShare, batch_shares, max_quarantine_share
from orchestration.landing.model import LOADED, REJECTED
from orchestration.landing.register import landing_snapshot

SELECTION = "+stg_dms__batch_quality"
EXAMPLES = 3


@dataclass
class FileCheck:
    where: str
    status: str
    reason: str
    batch: BatchShare | None = None
    reasons: list[tuple[str, int]] = field(default_factory=list)
    examples: list[tuple[int, str, str]] = field(default_factory=list)  # row, key, reason
    warnings: list[str] = field(default_factory=list)  # the mapping's, for a loaded file


@dataclass
class DryRun:
    landing_dir: Path
    limit: float
    files: list[FileCheck]

    @property
    def rejected(self) -> list[FileCheck]:
        return [f for f in self.files if f.status == REJECTED]

    @property
    def over_limit(self) -> list[FileCheck]:
        return [f for f in self.files if f.batch is not None and f.batch.share > self.limit]

    @property
    def unbalanced(self) -> list[FileCheck]:
        """Loaded batches whose rows do not add up (arrived <> kept + quarantined): a
        defect of the project, which the refresh's dbt test would fail on too."""
        return [
            f
            for f in self.files
            if f.batch is not None
            and f.batch.rows_arrived != f.batch.rows_kept + f.batch.rows_quarantined
        ]

    @property
    def would_publish(self) -> bool:
        return not self.rejected and not self.over_limit and not self.unbalanced


def _dbt() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else "dbt"


def build_staging(work_dir: Path, landing_dir: Path) -> None:
    """Build the staging models (no tests) into ``work_dir``'s warehouse."""
    env = dict(os.environ)
    env.update(
        AFTERSALES_TARGET="duckdb",
        AFTERSALES_LANDING_DIR=str(landing_dir),
        AFTERSALES_WAREHOUSE_DIR=str(work_dir),
        AFTERSALES_SERVING_DIR=str(work_dir / "serving"),
        DBT_TARGET_PATH=str(work_dir / "target"),
        DBT_LOG_PATH=str(work_dir / "logs"),
    )
    command = [
        _dbt(),
        "build",
        "--select",
        SELECTION,
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join(result.stdout.strip().splitlines()[-20:])
        raise RuntimeError(f"dbt could not build the staging models:\n{tail}")


def _details(
    con: duckdb.DuckDBPyConnection, table: str, file_name: str
) -> tuple[list[tuple[str, int]], list[tuple[int, str, str]]]:
    quarantine = f"staging.stg_dms__{table}_quarantine"
    reasons = con.execute(
        "select reason, count(*) from (select unnest(string_split(quarantine_reason, ';')) "
        f"as reason from {quarantine} where _source_file = ?) group by 1 order by 2 desc, 1",
        [file_name],
    ).fetchall()
    key = TABLES[table].primary_key
    examples = con.execute(
        f"select _row_number, coalesce(\"{key}\", '(empty)'), quarantine_reason from "
        f"{quarantine} where _source_file = ? order by _row_number limit ?",
        [file_name, EXAMPLES],
    ).fetchall()
    return [(str(r), int(n)) for r, n in reasons], [
        (int(r), str(k), str(q)) for r, k, q in examples
    ]


def check_landing(landing_dir: Path, work_dir: Path | None = None) -> DryRun:
    """Ingest and stage ``landing_dir`` in a temporary warehouse; return the verdict."""
    limit = max_quarantine_share()
    with tempfile.TemporaryDirectory(prefix="aftersales-check-", dir=work_dir) as temporary:
        work = Path(temporary)
        warehouse = work / WAREHOUSE_FILE_NAME
        report: IngestReport = ingest_landing(landing_dir, warehouse)
        has_rows = bool(report.files_loaded)
        if has_rows:
            build_staging(work, landing_dir)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            shares = (
                {(b.table_name, b.source_file): b for b in batch_shares(con)} if has_rows else {}
            )
            files = []
            for folder, name, status, reason, warnings in landing_snapshot(con):
                check = FileCheck(f"{folder}/{name}" if folder else name, status, reason or "")
                check.warnings = str(warnings).split(" | ") if warnings else []
                batch = shares.get((folder, name)) if status == LOADED else None
                if batch is not None:
                    check.batch = batch
                    if batch.rows_quarantined:
                        check.reasons, check.examples = _details(con, folder, name)
                files.append(check)
    return DryRun(landing_dir, limit, files)


def format_report(run: DryRun) -> str:
    lines = [f"landing {run.landing_dir}  (quarantine limit per batch: {run.limit:.1%})"]
    for check in run.files:
        if check.batch is not None:
            b = check.batch
            flag = "  OVER LIMIT" if b.share > run.limit else ""
            if b.rows_arrived != b.rows_kept + b.rows_quarantined:
                flag += f"  ROWS DO NOT ADD UP (kept {b.rows_kept})"
            lines.append(
                f"{check.status.upper():<9} {check.where}: {b.rows_arrived} rows, "
                f"{b.rows_quarantined} would be quarantined ({b.share:.1%}){flag}"
            )
            for reason, count in check.reasons:
                lines.append(f"            {reason}: {count}")
            for row, key, reason in check.examples:
                lines.append(f"            e.g. data row {row} (key {key}): {reason}")
        elif check.status == REJECTED:
            lines.append(f"REJECTED  {check.reason}")
        else:
            text = f": {check.reason}" if check.reason else ""
            lines.append(f"{check.status.upper():<9} {check.where}{text}")
        for warning in check.warnings:
            lines.append(f"            mapping warning: {warning}")
    rejected, over = len(run.rejected), len(run.over_limit)
    if run.would_publish:
        lines.append("OK: a refresh would load these files and pass the quarantine gate.")
    else:
        lines.append(
            f"BLOCKED: {rejected} rejected file(s), {over} batch(es) over the quarantine "
            "limit; a refresh would not publish."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aftersales-check-landing",
        description="Read a landing directory as the refresh would and report, per file, "
        "what would be loaded, quarantined (and why), rejected or ignored. Touches no "
        "warehouse. Exit 1 when the refresh would not publish, 2 when the directory is "
        "refused.",
    )
    parser.add_argument("landing_dir", type=Path)
    parser.add_argument(
        "--work-dir", type=Path, help="where the temporary warehouse goes (default: $TMPDIR)"
    )
    args = parser.parse_args(argv)
    try:
        run = check_landing(args.landing_dir.resolve(), args.work_dir)
    except LandingDirError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    print(format_report(run))
    return 0 if run.would_publish else 1


if __name__ == "__main__":
    raise SystemExit(main())
