"""Scale-out parity: the same landing files give the same KPIs on DuckDB and on Spark.

One small generated landing directory (2 branches: a mainland one and the DST branch;
35 days from 2025-03-10, so it spans the March/April month boundary and the European DST
change of 2025-03-30; a re-sent file and injected contract violations) is built twice,
in separate warehouse dirs and dbt target paths:

- DuckDB: ``orchestration.engines.duckdb.ingest`` + ``dbt build`` (target ``duckdb``);
- Spark: ``aftersales-refresh`` with ``AFTERSALES_TARGET=spark``: the same Dagster job as
  on DuckDB (``orchestration/definitions.py``) on the Spark engine
  (``orchestration/engines/spark``): the ingest in its own process, ``dbt build --target
  spark`` (the same seeds, models and data tests), the GX suites on the staging facts and
  kpi_values, the trend and landing-freshness checks, and the Parquet publish.

Then ``kpi_values`` must be equal row for row on the key (kpi_code, grain, period_start,
branch_code): numerator and denominator exactly equal as decimals, value equal within
1e-12 relative, target, comparator and meets_target equal; and the data quality outcome
must be equal: ``stg_dms__batch_quality`` per (table, source file), the quarantine reasons
per table, and the orphan punches per reason. The published Parquet copy of kpi_values
must be the Spark build's table.

Spark tables are read without a JVM, as the Parquet files of
``<warehouse>/spark/tables/<schema>.db/<table>/`` (``orchestration.engines.spark.tables``).
Needs the ``spark`` extra and Java (``scripts/bootstrap.sh`` installs the extra; CI has
Java); skipped otherwise. About 3.5 minutes on two cores (up to 6 on a busy machine), most
of it the Spark build; the times are printed at the end.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest


def _java_works() -> bool:
    if shutil.which("java") is None:
        return False
    try:
        result = subprocess.run(["java", "-version"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


if importlib.util.find_spec("pyspark") is None:
    pytest.skip(
        "pyspark is not installed: install the spark extra (pip install -e '.[spark]')",
        allow_module_level=True,
    )
if not _java_works():
    pytest.skip("`java -version` fails: Spark needs a Java runtime (17)", allow_module_level=True)

from dbt_cli import INVARIANT_TEST_COUNT, invariant_results, run_dbt  # noqa: E402

from orchestration.cli.refresh import main  # noqa: E402
from orchestration.contract import TABLES as CONTRACT_TABLES  # noqa: E402
from orchestration.engines.duckdb.ingest import ingest_landing  # noqa: E402
from orchestration.engines.spark.publish import PARQUET_LINK, read_build_info  # noqa: E402
from orchestration.engines.spark.tables import parquet_source, table_dir  # noqa: E402
from orchestration.quality.kpi_values_suite import KPI_VALUES_COLUMNS  # noqa: E402

PARITY_LANDING = {
    "seed": 7,
    "days": 35,
    "branches": 2,  # the generator's last branch is the DST one
    "orders_per_day": 6,
    "start_date": date(2025, 3, 10),
}
TABLES = tuple(CONTRACT_TABLES)
KEY = ("kpi_code", "grain", "period_start", "branch_code")
VALUE_RELATIVE_TOLERANCE = 1e-12
_BUILDS = pytest.StashKey[dict[str, "Build"]]()


@dataclass
class Build:
    engine: str
    warehouse: Path
    seconds: float
    output: str = ""
    serving: Path | None = None
    exit_code: int = 0


@pytest.fixture(scope="module")
def parity_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.sample_data import generate

    out = tmp_path_factory.mktemp("parity") / "landing"
    generate(out, **PARITY_LANDING)
    return out


@pytest.fixture(scope="module")
def duckdb_build(
    parity_landing: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Build:
    base = tmp_path_factory.mktemp("parity_duckdb")
    warehouse = base / "warehouse"
    warehouse.mkdir()
    env = {
        **os.environ,
        "AFTERSALES_TARGET": "duckdb",
        "AFTERSALES_LANDING_DIR": str(parity_landing),
        "AFTERSALES_WAREHOUSE_DIR": str(warehouse),
        "AFTERSALES_SERVING_DIR": str(base / "serving"),
        "AFTERSALES_AS_OF": "",
        "DBT_TARGET_PATH": str(base / "target"),
        "DBT_LOG_PATH": str(base / "logs"),
        "DBT_USE_COLORS": "false",
    }
    started = time.monotonic()
    ingest_landing(parity_landing, warehouse / "aftersales.duckdb")

    result = run_dbt(["build"], env)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    build = Build("duckdb", warehouse, seconds, result.stdout)
    request.node.stash.setdefault(_BUILDS, {})["duckdb"] = build
    return build


@pytest.fixture(scope="module")
def spark_build(
    parity_landing: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Build:
    """One Spark refresh (ingest, dbt build --target spark, GX, Parquet publish)."""
    base = tmp_path_factory.mktemp("parity_spark")
    landing, warehouse, serving = base / "landing", base / "warehouse", base / "serving"
    shutil.copytree(parity_landing, landing)
    output = io.StringIO()
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AFTERSALES_TARGET", "spark")
        patch.setenv("AFTERSALES_LANDING_DIR", str(landing))
        patch.setenv("AFTERSALES_WAREHOUSE_DIR", str(warehouse))
        patch.setenv("AFTERSALES_SERVING_DIR", str(serving))
        patch.setenv("AFTERSALES_AS_OF", "")
        patch.setenv("DBT_TARGET_PATH", str(base / "target"))
        patch.setenv("DBT_LOG_PATH", str(base / "logs"))
        with contextlib.redirect_stdout(output):
            exit_code = main([])
    seconds = time.monotonic() - started
    text = output.getvalue()
    assert exit_code == 0, text[-8000:]
    build = Build("spark", warehouse, seconds, text, serving, exit_code)
    request.node.stash.setdefault(_BUILDS, {})["spark"] = build
    return build


def _duckdb_rows(build: Build, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(build.warehouse / "aftersales.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _spark_rows(build: Build, sql: str, tables: dict[str, tuple[str, str]]) -> list[tuple]:
    """Run ``sql`` with each name in ``tables`` a view over that Spark table's files."""
    with duckdb.connect() as con:
        for name, (schema, table) in tables.items():
            source = parquet_source(table_dir(build.warehouse, schema, table))
            con.execute(f"create view {name} as select * from {source}")
        return con.execute(sql).fetchall()


def _keyed(rows: list[tuple[Any, ...]], columns: list[str]) -> dict[tuple, dict[str, Any]]:
    keyed: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        key = tuple(record[k] for k in KEY)
        assert key not in keyed, f"duplicate key {key}"
        keyed[key] = record
    return keyed


KPI_COLUMNS = list(KPI_VALUES_COLUMNS[:10])  # the key, the measures and the target
KPI_SQL = "select {} from {{}}".format(", ".join(KPI_COLUMNS))


def _value_differs(left: float | None, right: float | None) -> bool:
    if left is None or right is None:
        return (left is None) != (right is None)
    if math.isnan(left) or math.isnan(right):
        return not (math.isnan(left) and math.isnan(right))
    return abs(left - right) > VALUE_RELATIVE_TOLERANCE * max(abs(left), abs(right))


def kpi_differences(
    duck: dict[tuple, dict[str, Any]], spark: dict[tuple, dict[str, Any]]
) -> list[str]:
    problems = [f"only on DuckDB: {key}" for key in sorted(duck.keys() - spark.keys(), key=str)]
    problems += [f"only on Spark: {key}" for key in sorted(spark.keys() - duck.keys(), key=str)]
    for key in sorted(duck.keys() & spark.keys(), key=str):
        left, right = duck[key], spark[key]
        for column in ("numerator", "denominator", "target"):
            a, b = left[column], right[column]
            if (a is None) != (b is None) or (a is not None and Decimal(a) != Decimal(b)):
                problems.append(f"{key} {column}: duckdb {a} spark {b}")
        for column in ("comparator", "meets_target"):
            if left[column] != right[column]:
                problems.append(f"{key} {column}: duckdb {left[column]} spark {right[column]}")
        if _value_differs(left["value"], right["value"]):
            problems.append(f"{key} value: duckdb {left['value']!r} spark {right['value']!r}")
    return problems


def test_kpi_values_equal_row_for_row(duckdb_build: Build, spark_build: Build) -> None:
    duck = _keyed(_duckdb_rows(duckdb_build, KPI_SQL.format("marts.kpi_values")), KPI_COLUMNS)
    spark = _keyed(
        _spark_rows(spark_build, KPI_SQL.format("kpi"), {"kpi": ("marts", "kpi_values")}),
        KPI_COLUMNS,
    )
    assert len(duck) > 1000  # every KPI, grain, period and branch of the sample
    assert {key[3] for key in duck} >= {None}  # network rows are compared too
    problems = kpi_differences(duck, spark)
    assert not problems, f"{len(problems)} differences, e.g.:\n" + "\n".join(problems[:40])


def test_kpi_comparison_catches_a_difference() -> None:
    """The comparison itself: one unit in the last decimal place or 1e-9 relative fails."""
    key = ("open_rate", "day", date(2025, 3, 10), "EC01")
    values = [*key, Decimal("1.000001"), Decimal("3"), 1 / 3, None, None, None]
    row = dict(zip(KPI_COLUMNS, values, strict=True))
    assert kpi_differences({key: row}, {key: dict(row)}) == []
    assert kpi_differences({key: row}, {key: {**row, "numerator": Decimal("1.000002")}})
    assert kpi_differences({key: row}, {key: {**row, "value": (1 / 3) * (1 + 1e-9)}})
    assert kpi_differences({key: row}, {})


QUALITY_SQL = (
    "select table_name, source_file, rows_arrived, rows_kept, rows_quarantined, "
    "quarantined_share from {} order by table_name, source_file"
)


def test_quarantine_counts_equal(duckdb_build: Build, spark_build: Build) -> None:
    duck = _duckdb_rows(duckdb_build, QUALITY_SQL.format("staging.stg_dms__batch_quality"))
    spark = _spark_rows(
        spark_build,
        QUALITY_SQL.format("quality"),
        {"quality": ("staging", "stg_dms__batch_quality")},
    )
    assert [row[:5] for row in duck] == [row[:5] for row in spark]
    for left, right in zip(duck, spark, strict=True):
        assert not _value_differs(
            None if left[5] is None else float(left[5]),
            None if right[5] is None else float(right[5]),
        ), (left, right)
    assert sum(row[4] for row in duck) > 0  # the generator injects contract violations

    for table in TABLES:
        sql = "select quarantine_reason, count(*) from {} group by 1 order by 1"
        name = f"stg_dms__{table}_quarantine"
        assert _duckdb_rows(duckdb_build, sql.format(f"staging.{name}")) == _spark_rows(
            spark_build, sql.format("q"), {"q": ("staging", name)}
        ), table


def test_orphan_punches_equal(duckdb_build: Build, spark_build: Build) -> None:
    sql = "select orphan_reason, count(*) from {} group by 1 order by 1"
    duck = _duckdb_rows(duckdb_build, sql.format("intermediate.int_punches_orphaned"))
    spark = _spark_rows(
        spark_build, sql.format("o"), {"o": ("intermediate", "int_punches_orphaned")}
    )
    assert duck == spark
    assert sum(count for _, count in duck) > 0


def test_spark_refresh_published_its_build(spark_build: Build) -> None:
    """The refresh published the Spark build's marts as Parquet and summarised them."""
    assert spark_build.serving is not None
    parquet = spark_build.serving / PARQUET_LINK
    assert parquet.is_symlink()
    info = read_build_info(parquet)
    assert info["engine"] == "spark" and "marts.kpi_values" in info["tables"]
    fingerprint_sql = "select count(*), sum(hash(t)) from {} as t"
    published = parquet / "marts" / "kpi_values"
    with duckdb.connect() as con:
        served = con.execute(fingerprint_sql.format(parquet_source(published))).fetchone()
        built = con.execute(
            fingerprint_sql.format(
                parquet_source(table_dir(spark_build.warehouse, "marts", "kpi_values"))
            )
        ).fetchone()
    assert served == built
    assert info["kpi_values_rows"] == served[0]
    assert info["data_as_of"] is not None
    for name in info["tables"]:
        schema, table = name.split(".")
        assert (parquet / schema / table).is_dir(), name
    text = spark_build.output
    assert "kpi_values: " in text and "expectations passed" in text
    assert "Refresh succeeded" in text


def test_spark_runs_the_same_job_and_checks(spark_build: Build) -> None:
    """One job graph for both engines: on Spark the refresh runs the same steps as on
    DuckDB, the staging GX suites, the trend and landing-freshness checks included."""
    text = spark_build.output
    assert "engine    spark" in text
    steps = re.findall(r"^==> (.+)$", text, re.M)
    for label in (
        "ingest landing files",
        "dbt build (seeds, models, data tests)",
        "landing freshness from the ingest register (warning only)",
        "Great Expectations suites on kpi_values and the staging facts",
        "KPI trend check (warning only)",
        "publish to the serving directory",
    ):
        assert label in steps, (label, steps)
    for model in ("stg_dms__tickets", "stg_dms__part_requests", "stg_dms__callbacks"):
        passed = re.search(rf"^    {model}: (\d+)/(\d+) expectations passed", text, re.M)
        assert passed and passed.group(1) == passed.group(2), model
    assert "CHECK FAILED" not in text
    assert "KPIs for 2025-03" in text  # the last full month before the as-of (April)
    assert "(network)" in text


def test_unit_tests_pass_on_spark(spark_build: Build, tmp_path: Path) -> None:
    """A refresh runs no unit tests (D-070) and no invariant tests (D-131); CI runs them
    on Spark here, against the parity build's tables, as
    tests/python/defs/test_dbt_unit_tests.py does on DuckDB."""

    env = {
        **os.environ,
        "AFTERSALES_TARGET": "spark",
        "AFTERSALES_WAREHOUSE_DIR": str(spark_build.warehouse),
        "AFTERSALES_AS_OF": "",
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_USE_COLORS": "false",
    }
    command = ["test", "--select", "resource_type:unit_test", "tag:invariant", "--target", "spark"]
    result = run_dbt([*command, "--target-path", str(tmp_path / "target")], env)
    assert result.returncode == 0, result.stdout[-6000:]
    passed = re.search(r"PASS=(\d+)", result.stdout)
    assert passed and int(passed.group(1)) > 50, result.stdout[-2000:]
    invariants = invariant_results(tmp_path / "target")
    assert len(invariants) == INVARIANT_TEST_COUNT, invariants
    assert set(invariants.values()) == {"pass"}, invariants


@pytest.fixture(scope="module", autouse=True)
def report_build_times(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: the measured times of both builds on the terminal."""
    yield
    builds = [request.node.stash.get(_BUILDS, {}).get(e) for e in ("duckdb", "spark")]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not all(builds):
        return
    duck, spark = builds
    steps = re.findall(r"^==> (.+)\n(?:    .*\n)*?    done in ([0-9.]+)s", spark.output, re.M)
    detail = "; ".join(f"{label}: {float(seconds):.0f}s" for label, seconds in steps)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line(
            f"\n[spark parity] DuckDB ingest + dbt build: {duck.seconds:.0f}s; "
            f"Spark refresh: {spark.seconds:.0f}s ({detail})"
        )
