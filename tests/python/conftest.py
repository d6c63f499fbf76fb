"""Shared pytest set-up for tests/python.

- dbt artifacts never go to the project's shared ``target/`` and ``logs/``: unless the
  caller set ``DBT_TARGET_PATH`` / ``DBT_LOG_PATH``, they point to a temporary directory
  for the whole session, one per xdist worker (set before any test module imports
  ``orchestration.defs.dbt.project``, which fixes its target path at import time). A test
  may still set its own.
- ``small_landing``: a small landing directory written once per session by the project's
  generator (3 branches incl. the DST one, 75 days from 2025-02-01 so that it spans whole
  months, a quarter end and the European DST change). Treat it as read-only: copy it
  (``shutil.copytree``) before adding or changing files.
"""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

SMALL_LANDING = {
    "seed": 11,
    "days": 75,
    "branches": 3,
    "orders_per_day": 15,
    "start_date": date(2025, 2, 1),
}

_SESSION_DIRS: list[str] = []
# the DBT_* variables this pytest session (or the xdist controller) pointed at its own
# temporary directories
_MADE_HERE = "AFTERSALES_PYTEST_DBT_DIRS"


def _give_an_xdist_worker_a_main_spec() -> None:
    """An xdist worker runs as ``python -c``: its ``__main__`` has no ``__spec__`` and no
    ``__file__``, which pyspark's ``check_dependencies`` (run when Great Expectations
    imports ``pyspark.sql.connect``) takes for pyspark's own doctests, and it calls
    ``sys.exit(0)`` in the middle of the import. A spec named ``__main__`` says what is true
    here (there is no main module to find), and multiprocessing's spawn then skips
    re-importing it in a child, as it does for ``python -m``."""
    main = sys.modules["__main__"]
    if main.__spec__ is None and not hasattr(main, "__file__"):
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)


def pytest_configure(config: pytest.Config) -> None:
    _give_an_xdist_worker_a_main_spec()
    # fixtures write landing files just before they are ingested: no settle time (the
    # tests of deferred files set their own)
    os.environ.setdefault("AFTERSALES_LANDING_SETTLE_SECONDS", "0")
    # an xdist worker inherits the controller's environment: the directories a pytest
    # session made (listed in _MADE_HERE) are made again for it, so that two workers never
    # write one manifest.json at once (a worker once read the other's half-written file)
    made = set(filter(None, os.environ.get(_MADE_HERE, "").split(",")))
    for name, sub in (("DBT_TARGET_PATH", "target"), ("DBT_LOG_PATH", "logs")):
        if not os.environ.get(name) or name in made:
            base = tempfile.mkdtemp(prefix="aftersales-pytest-dbt-")
            _SESSION_DIRS.append(base)
            os.environ[name] = str(Path(base) / sub)
            made.add(name)
    os.environ[_MADE_HERE] = ",".join(sorted(made))


def pytest_unconfigure(config: pytest.Config) -> None:
    for base in _SESSION_DIRS:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def small_landing_spec() -> dict:
    """The generator arguments of ``small_landing`` (for a sibling landing directory of
    the same data in another shape). A copy: changing it changes nothing here."""
    return dict(SMALL_LANDING)


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landing directory (see ``SMALL_LANDING``); do not modify it."""
    from orchestration.sample_data import generate

    out = tmp_path_factory.mktemp("small_landing") / "landing"
    generate(out, **SMALL_LANDING)
    return out


@pytest.fixture(scope="session")
def refreshed(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """One successful ``aftersales-refresh`` (in-process, ``orchestration.cli.refresh.main``) on a
    copy of ``small_landing``, with the default settings (Parquet export on), shared by the
    tests of the scheduled refresh and of what is served. Treat its directories as
    read-only: copy them before changing anything."""
    from refresh_env import refresh_dirs

    from orchestration.cli.refresh import main

    with refresh_dirs(small_landing, tmp_path_factory.mktemp("refreshed")) as dirs:
        dirs.exit_code = main([])
    return dirs
