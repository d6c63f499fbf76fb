"""The engines the refresh runs on: ``duckdb`` (embedded, the default) and ``spark``.

:func:`engine_for` picks the engine of ``Settings.target`` (``AFTERSALES_TARGET``); the
rest of the code sees only :class:`~orchestration.engines.base.Engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.engines.base import Engine, EngineError, Published

if TYPE_CHECKING:
    from orchestration.config import Settings

__all__ = ["ENGINES", "Engine", "EngineError", "Published", "engine_for"]

ENGINES = ("duckdb", "spark")


def engine_for(settings: Settings) -> Engine:
    """The engine that builds ``settings.target``; an unknown target is an error that
    names the ones this command runs."""
    if settings.target == "duckdb":
        from orchestration.engines.duckdb.engine import DuckDbEngine

        return DuckDbEngine(settings)
    if settings.target == "spark":
        from orchestration.engines.spark.engine import SparkEngine

        return SparkEngine(settings)
    raise EngineError(
        f"AFTERSALES_TARGET={settings.target}: the refresh runs the targets "
        f"{' and '.join(ENGINES)}. On a cluster (spark_cluster) load the raw tables with the "
        "platform's ingestion and run `dbt build --target spark_cluster` there."
    )
