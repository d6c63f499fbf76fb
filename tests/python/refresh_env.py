"""A refresh's directories under one base, for tests that run ``aftersales-refresh``."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest


@contextlib.contextmanager
def refresh_dirs(source_landing: Path, base: Path) -> Iterator[SimpleNamespace]:
    """Copy ``source_landing`` to ``base/landing`` and point the settings at ``base``
    (warehouse, serving, dbt logs; no as-of override, Parquet export and webhook unset)
    for the duration of the block."""
    dirs = SimpleNamespace(
        base=base,
        landing=base / "landing",
        warehouse=base / "warehouse",
        serving=base / "serving",
    )
    shutil.copytree(source_landing, dirs.landing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AFTERSALES_LANDING_DIR", str(dirs.landing))
        patch.setenv("AFTERSALES_WAREHOUSE_DIR", str(dirs.warehouse))
        patch.setenv("AFTERSALES_SERVING_DIR", str(dirs.serving))
        patch.setenv("DBT_LOG_PATH", str(base / "dbt_logs"))
        for name in ("AFTERSALES_AS_OF", "AFTERSALES_EXPORT_PARQUET", "AFTERSALES_TARGET"):
            patch.delenv(name, raising=False)
        patch.delenv("AFTERSALES_FAILURE_WEBHOOK_URL", raising=False)
        yield dirs
