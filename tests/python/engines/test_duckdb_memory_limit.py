"""DuckDB's memory limit: one setting for dbt, the ingest and the hand-written pass; a
smaller one for reads of the build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.config import PROJECT_DIR
from orchestration.engines.duckdb.connection import (
    DEFAULT_MEMORY_LIMIT,
    memory_limit,
    read_memory_limit,
)
from orchestration.engines.duckdb.ingest import ingest_landing


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", raising=False)
    assert memory_limit() == DEFAULT_MEMORY_LIMIT
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "3GB")
    assert memory_limit() == "3GB"


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
    setting = profile["aftersales"]["outputs"]["duckdb"]["settings"]["memory_limit"]
    assert "AFTERSALES_DUCKDB_MEMORY_LIMIT" in setting and DEFAULT_MEMORY_LIMIT in setting


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
    assert any(config.get("memory_limit") == "1GB" for config in seen)


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
