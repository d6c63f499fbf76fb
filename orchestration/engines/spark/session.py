"""The SparkSession of the ``spark`` dbt target, for Python steps that write to its catalog.

The session settings are not repeated here: they are read from the ``spark`` output of
``profiles.yml`` (its ``server_side_parameters``), rendered the way dbt renders them, with
``AFTERSALES_WAREHOUSE_DIR`` set to the warehouse dir asked for. The ingest therefore
writes to the same warehouse dir and Derby metastore that ``dbt --target spark`` reads.

The embedded Derby metastore admits one JVM at a time, so a process that built this
session must stop it (and exit) before dbt runs on the same warehouse dir; run the Spark
ingest as its own process (``python -m orchestration.engines.spark.ingest``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml

from orchestration.config import PROJECT_DIR

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PROFILES_PATH = PROJECT_DIR / "profiles.yml"
PROFILE_NAME = "aftersales"
SPARK_OUTPUT = "spark"
SPARK_SUBDIR = "spark"  # <warehouse dir>/spark holds the tables and the metastore
# dbt-spark forces this on every connection; the ingest does the same.
ADAPTER_FORCED = {"spark.sql.ansi.enabled": "false"}


class _MissingEnvVar(Exception):
    pass


def _render(value: Any, env: Mapping[str, str]) -> str:
    """Render one profile value like dbt does: Jinja with ``env_var(name, default)``."""

    def env_var(name: str, default: str | None = None) -> str:
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise _MissingEnvVar(f"profiles.yml needs the environment variable {name}")

    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(str(value))
    return template.render(env_var=env_var)


def spark_conf(
    warehouse_dir: Path,
    profiles_path: Path = PROFILES_PATH,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The session settings of the ``spark`` target for ``warehouse_dir``."""
    env = dict(os.environ if environ is None else environ)
    env["AFTERSALES_WAREHOUSE_DIR"] = str(warehouse_dir)
    profile = yaml.safe_load(profiles_path.read_text(encoding="utf-8"))
    output = profile[PROFILE_NAME]["outputs"][SPARK_OUTPUT]
    parameters = output.get("server_side_parameters") or {}
    conf = {str(key): _render(value, env) for key, value in parameters.items()}
    conf.update(ADAPTER_FORCED)
    return conf


def spark_session(warehouse_dir: Path) -> SparkSession:
    """Start (or reuse) the in-process SparkSession of the ``spark`` target."""
    from pyspark.sql import SparkSession

    (warehouse_dir / SPARK_SUBDIR).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("aftersales").enableHiveSupport()
    for key, value in spark_conf(warehouse_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
