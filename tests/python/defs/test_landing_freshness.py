"""``landing_freshness``: the raw tables' freshness, read from the ingest register."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.config import Settings
from orchestration.contract import TABLES
from orchestration.defs.ingest.freshness import (
    DEFAULT_WARN_AFTER,
    landing_freshness,
    landing_warn_after,
)
from orchestration.engines import Engine, engine_for
from orchestration.engines.duckdb.ingest import LOADED_FILES_TABLE, ensure_raw_tables

NOW = datetime(2025, 6, 10, 12, 0, 0)


def _engine(path: Path) -> Engine:
    """The DuckDB engine of a warehouse file ``path``."""
    base = Settings(path.parent / "landing", path.parent, path.parent / "serving", None)
    return engine_for(base)


def _register(path: Path, rows: list[tuple[str, str, datetime, str]]) -> None:
    with duckdb.connect(str(path)) as con:
        ensure_raw_tables(con)
        for table, name, loaded_at, status in rows:
            con.execute(
                f"insert into {LOADED_FILES_TABLE} (table_name, file_name, file_hash, "
                "row_count, loaded_at, status, duplicate_of) values (?, ?, 'h', 1, ?, ?, null)",
                [table, name, loaded_at, status],
            )


def test_fresh_stale_and_never_loaded(tmp_path: Path) -> None:
    warehouse = tmp_path / "aftersales.duckdb"
    recent, old = NOW - timedelta(hours=5), NOW - timedelta(days=3)
    rows = [(table, f"{table}-1.csv", recent, "loaded") for table in TABLES if table != "assets"]
    rows += [
        ("tickets", "tickets-0.csv", old, "loaded"),
        ("callbacks", "callbacks-2.csv", recent, "loaded"),
        # a re-sent file adds no rows: it does not make a stale table fresh
        ("assets", "assets-9.csv", recent, "duplicate_content"),
        ("assets", "assets-1.csv", old, "loaded"),
    ]
    _register(warehouse, rows)
    fresh, result = landing_freshness(_engine(warehouse), timedelta(days=2), now=NOW)
    by_table = {row["table"]: row for row in result}
    assert not fresh
    assert set(by_table) == set(TABLES)
    assert by_table["assets"]["status"] == "warn"
    assert by_table["assets"]["age_hours"] == 72.0
    assert by_table["tickets"]["status"] == "pass"
    assert by_table["tickets"]["age_hours"] == 5.0

    fresh, _ = landing_freshness(_engine(warehouse), timedelta(days=4), now=NOW)
    assert fresh


def test_a_table_that_never_received_a_file_is_stale(tmp_path: Path) -> None:
    warehouse = tmp_path / "aftersales.duckdb"
    _register(warehouse, [("tickets", "t.csv", NOW, "loaded")])
    fresh, result = landing_freshness(_engine(warehouse), timedelta(days=2), now=NOW)
    by_table = {row["table"]: row for row in result}
    assert not fresh
    assert by_table["branches"] == {
        "table": "branches",
        "status": "warn",
        "last_loaded_at": None,
        "age_hours": None,
    }


def test_warn_after_is_read_from_the_sources_config(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "sources": {
                    "source.a.dms.t": {"freshness": {"warn_after": {"count": 36, "period": "hour"}}}
                }
            }
        )
    )
    assert landing_warn_after(manifest) == timedelta(hours=36)
    assert landing_warn_after(tmp_path / "missing.json") == DEFAULT_WARN_AFTER


def test_the_project_manifest_gives_two_days() -> None:
    from orchestration.config import load_settings
    from orchestration.defs.dbt.project import dbt_project, prepare_manifest

    prepare_manifest(load_settings())
    assert landing_warn_after(dbt_project.manifest_path) == timedelta(days=2)
