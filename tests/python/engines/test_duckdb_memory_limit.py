"""DuckDB's memory limit: one setting for dbt, the ingest and the hand-written pass; a
smaller one for reads of the build. Freed buffer memory is kept for reuse up to the limit
(D-136)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.config import PROJECT_DIR
from orchestration.engines.duckdb import connection
from orchestration.engines.duckdb.connection import (
    DEFAULT_MEMORY_LIMIT,
    limit_memory,
    limit_reads,
    memory_limit,
    memory_settings,
    read_memory_limit,
    release_buffers,
)
from orchestration.engines.duckdb.ingest import ingest_landing


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", raising=False)
    assert memory_limit() == DEFAULT_MEMORY_LIMIT
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "3GB")
    assert memory_limit() == "3GB"
    # the freed memory kept for reuse follows the limit (D-136)
    assert memory_settings() == {
        "memory_limit": "3GB",
        "block_allocator_memory": "3GB",
        "allocator_flush_threshold": "3GB",
    }
    assert set(memory_settings("1GB").values()) == {"1GB"}


@pytest.mark.parametrize("value", ["6", "six GB", "6GB'; drop table x; --", ""])
def test_a_limit_that_is_not_a_size_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", value)
    monkeypatch.setenv("AFTERSALES_DUCKDB_READ_MEMORY_LIMIT", value)
    if not value:  # unset: the defaults
        assert (memory_limit(), read_memory_limit()) == ("6GB", "2GB")
        return
    with pytest.raises(ValueError, match=r"AFTERSALES_DUCKDB_MEMORY_LIMIT=.* such as 6GB"):
        memory_limit()
    with pytest.raises(ValueError, match=r"AFTERSALES_DUCKDB_READ_MEMORY_LIMIT=.* such as 2GB"):
        read_memory_limit()
    for good in ("512MB", "1.5 GiB", "80%"):
        monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", good)
        assert memory_limit() == good


def test_dbt_reads_the_same_variable_with_the_same_default() -> None:
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    settings = profile["aftersales"]["outputs"]["duckdb"]["settings"]
    for name in memory_settings(DEFAULT_MEMORY_LIMIT):
        setting = settings[name]
        assert "AFTERSALES_DUCKDB_MEMORY_LIMIT" in setting and DEFAULT_MEMORY_LIMIT in setting


_UNITS = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def _bytes(text: str) -> float:
    number = text.rstrip("BIKMGbikmg ")
    return float(number) * _UNITS[text[len(number) :].strip().upper()]


def _allocator(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float]:
    row = con.execute(
        "select current_setting('memory_limit'), current_setting('block_allocator_memory'), "
        "current_setting('allocator_flush_threshold')"
    ).fetchone()
    return tuple(_bytes(str(value)) for value in row)


def test_heavy_connections_keep_freed_memory_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "3GB")
    monkeypatch.delenv("AFTERSALES_DUCKDB_READ_MEMORY_LIMIT", raising=False)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        limit_memory(con)
        limit, blocks, flush = _allocator(con)
        assert limit == pytest.approx(3e9, rel=0.05)  # shown rounded, in GiB
        assert flush == pytest.approx(limit, rel=0.05)
        # the block allocator is the process's: never smaller than the largest limit yet
        assert blocks >= limit * 0.95
        # a read connection later asks for less: its memory limit applies, and the block
        # allocator, which cannot shrink, stays as it was
        limit_reads(con)
        read_limit, blocks_after, _ = _allocator(con)
        assert read_limit < limit and blocks_after == blocks


def test_another_error_while_setting_the_allocator_is_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "1GB")

    class Refusing:
        def execute(self, sql: str) -> None:
            if "block_allocator" in sql:
                raise duckdb.InvalidInputException("out of range")

    with pytest.raises(duckdb.InvalidInputException, match="out of range"):
        limit_memory(Refusing())  # type: ignore[arg-type]


def test_the_ingest_connection_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict] = []
    real_connect = duckdb.connect

    def connect(*args, **kwargs):
        seen.append(kwargs.get("config") or {})
        return real_connect(*args, **kwargs)

    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setattr(duckdb, "connect", connect)
    (tmp_path / "landing" / "tickets").mkdir(parents=True)
    ingest_landing(tmp_path / "landing", tmp_path / "warehouse" / "w.duckdb", settle_seconds=0)
    assert any(all(config.get(name) == "1GB" for name in memory_settings("1GB")) for config in seen)


@pytest.mark.parametrize("target", ["duckdb", "spark"])
def test_reads_of_the_build_are_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    """Engine.read_build (the GX suites' reads) caps DuckDB's cache, on both engines,
    even while another reader of the same file is open with the default config."""
    from orchestration.config import Settings
    from orchestration.engines import engine_for

    warehouse = tmp_path / "aftersales.duckdb"
    duckdb.connect(str(warehouse)).close()
    engine = engine_for(Settings(tmp_path, tmp_path, tmp_path / "serving", None, target))

    def limit() -> str:
        with engine.read_build() as con:
            return con.execute("select current_setting('memory_limit')").fetchone()[0]

    with duckdb.connect(str(warehouse), read_only=True):  # another reader
        monkeypatch.delenv("AFTERSALES_DUCKDB_READ_MEMORY_LIMIT", raising=False)
        default = limit()
        monkeypatch.setenv("AFTERSALES_DUCKDB_READ_MEMORY_LIMIT", "512MB")
        smaller = limit()
    assert default.endswith("GiB") and 1.5 < float(default.split()[0]) <= 2.0, default
    assert smaller.endswith("MiB") and 400 < float(smaller.split()[0]) <= 512, smaller


def test_released_buffers_leave_the_cache_and_the_limit_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """release_buffers evicts what a file's connection cached and applies the limit again
    (D-138). Released to 8 MB here, so that a small table's blocks are beyond it."""
    monkeypatch.setattr(connection, "RELEASED_TO", "8MB")
    with duckdb.connect(str(tmp_path / "f.duckdb")) as con:
        limit_memory(con, "1GB")
        con.execute(
            "create table t as select md5(range::varchar) || md5((range + 1)::varchar) as s "
            "from range(1000000)"
        )
        con.execute("select count(distinct s) from t").fetchall()

        def cached() -> int:
            return con.execute("select sum(memory_usage_bytes) from duckdb_memory()").fetchone()[0]

        assert cached() > 16 * 2**20
        release_buffers(con, "1GB")
        assert cached() <= 8 * 2**20
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
