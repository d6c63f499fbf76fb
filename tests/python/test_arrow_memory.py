"""The landing readers allocate through a pool that keeps freed memory (D-136)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration import arrow_memory
from orchestration.landing.scan import scan_landing

HAS_JEMALLOC = "jemalloc" in pa.supported_memory_backends()


@pytest.fixture
def default_pool() -> Iterator[None]:
    """Put the process's default pool back after the test."""
    before = pa.default_memory_pool()
    yield
    pa.set_memory_pool(before)


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_jemalloc_becomes_the_default_pool(monkeypatch, default_pool) -> None:
    monkeypatch.delenv(arrow_memory.POOL_ENV, raising=False)
    pa.set_memory_pool(pa.system_memory_pool())
    assert arrow_memory.use_reusing_pool() == "jemalloc"
    assert pa.default_memory_pool().backend_name == "jemalloc"
    assert pa.array(["a", "b"]).to_pylist() == ["a", "b"]


def test_a_pool_named_by_the_operator_is_kept(monkeypatch, default_pool) -> None:
    monkeypatch.setenv(arrow_memory.POOL_ENV, "system")
    pa.set_memory_pool(pa.system_memory_pool())
    assert arrow_memory.use_reusing_pool() == "system"
    assert pa.default_memory_pool().backend_name == "system"


def test_without_jemalloc_the_default_pool_stays(monkeypatch, default_pool) -> None:
    monkeypatch.delenv(arrow_memory.POOL_ENV, raising=False)

    def missing() -> pa.MemoryPool:
        raise NotImplementedError("built without jemalloc")

    monkeypatch.setattr(arrow_memory.pa, "jemalloc_memory_pool", missing)
    pa.set_memory_pool(pa.system_memory_pool())
    assert arrow_memory.use_reusing_pool() == "system"


@pytest.mark.skipif(not HAS_JEMALLOC, reason="this pyarrow has no jemalloc")
def test_scanning_a_landing_directory_reads_through_jemalloc(
    tmp_path: Path, monkeypatch, default_pool
) -> None:
    monkeypatch.delenv(arrow_memory.POOL_ENV, raising=False)
    pa.set_memory_pool(pa.system_memory_pool())
    (tmp_path / "branches").mkdir()
    (tmp_path / "branches" / "2025-01-01.csv").write_text("branch_id\nB1\n", encoding="utf-8")
    list(scan_landing(tmp_path, {}, settle=0))
    assert pa.default_memory_pool().backend_name == "jemalloc"
