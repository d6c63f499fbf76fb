"""The ingest's SparkSession settings are the ``spark`` dbt target's, per warehouse dir."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestration.engines.spark.session import PROFILES_PATH, spark_conf


def _dbt_rendered_parameters(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> dict:
    """server_side_parameters of the spark output as dbt itself renders them."""
    import os

    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    monkeypatch.setenv("AFTERSALES_WAREHOUSE_DIR", str(warehouse))
    set_invocation_context(dict(os.environ))
    profile = yaml.safe_load(PROFILES_PATH.read_text(encoding="utf-8"))
    output = profile["aftersales"]["outputs"]["spark"]
    rendered = ProfileRenderer({}).render_data(output)
    return {str(k): str(v) for k, v in rendered["server_side_parameters"].items()}


def test_same_settings_as_dbt_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    conf = spark_conf(warehouse)
    dbt_conf = _dbt_rendered_parameters(monkeypatch, warehouse)
    # everything dbt sends, plus what dbt-spark forces on every connection
    assert conf == {**dbt_conf, "spark.sql.ansi.enabled": "false"}


def test_pins_time_semantics_and_keeps_state_under_the_warehouse_dir(tmp_path: Path) -> None:
    conf = spark_conf(tmp_path / "wh", environ={})
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.sql.timestampType"] == "TIMESTAMP_NTZ"
    assert conf["spark.sql.warehouse.dir"] == f"{tmp_path}/wh/spark/tables"
    assert f"-Dderby.system.home={tmp_path}/wh/spark" in conf["spark.driver.extraJavaOptions"]
    # the Derby database name is relative to derby.system.home, i.e. inside the warehouse dir
    assert "databaseName=metastore_db;" in conf["spark.hadoop.javax.jdo.option.ConnectionURL"]


def test_two_warehouse_dirs_share_nothing(tmp_path: Path) -> None:
    first = spark_conf(tmp_path / "a", environ={})
    second = spark_conf(tmp_path / "b", environ={})
    for key in ("spark.sql.warehouse.dir", "spark.driver.extraJavaOptions"):
        assert first[key] != second[key]


def test_environment_overrides_tuning(tmp_path: Path) -> None:
    conf = spark_conf(tmp_path, environ={"AFTERSALES_SPARK_SHUFFLE_PARTITIONS": "3"})
    assert conf["spark.sql.shuffle.partitions"] == "3"
