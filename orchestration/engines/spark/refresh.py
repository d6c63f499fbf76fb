"""``aftersales-refresh`` on the ``spark`` dbt target (``AFTERSALES_TARGET=spark``).

The steps of the DuckDB refresh, with Spark's storage:

1. **ingest**: ``python -m orchestration.engines.spark.ingest`` in its own process, which loads the
   new landing files into the raw tables of ``<warehouse_dir>/spark`` and exits. The
   embedded Derby metastore admits one JVM at a time, so the ingest's JVM must be gone
   before dbt starts its own;
2. **dbt build** ``--target spark`` (seeds, models, data and unit tests) in a subprocess;
   a failing test stops the refresh before anything is published;
3. **check**: the Great Expectations suite on ``kpi_values`` (``orchestration/quality/kpi_values_suite.py``,
   read from the table's Parquet files) blocks the publish like on DuckDB;
4. **publish**: every table of the ``marts`` schema as a directory of Parquet files,
   ``<serving_dir>/parquet/<schema>/<table>/``, plus ``_build_info.json``. The files go to
   a new directory ``.spark-parquet-<build_id>`` first; ``parquet`` is a symbolic link that
   is swapped atomically (``os.replace`` of a new link), so a reader sees either the old
   build or the new one, never a mix. The served and the previous build are kept
   (``--rollback`` points the link back), older ones are removed;
5. **summary**: the headline KPIs read from the published Parquet files.

Spark tables are read without a JVM: a managed table of the ``spark`` target is the
directory ``<warehouse_dir>/spark/tables/<schema>.db/<table>/`` of Parquet files (dbt-spark's
default file format), which DuckDB reads directly.

Only the local ``spark`` output runs here. On a real cluster (``spark_cluster``) the raw
tables are the platform's to load and the marts are served from the cluster's own
metastore: run ``dbt build --target spark_cluster`` there.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb

from orchestration.config import PROJECT_DIR, Settings, load_settings
from orchestration.engines.spark.session import SPARK_SUBDIR

TARGET_ENV = "AFTERSALES_TARGET"
DEFAULT_TARGET = "duckdb"
SPARK_TARGET = "spark"
PUBLISH_SCHEMAS: tuple[str, ...] = ("marts",)
KPI_VALUES = ("marts", "kpi_values")
KPI_DEFINITIONS = ("config", "kpi_definitions")
AS_OF_TABLE = ("intermediate", "int_as_of_resolved")
PARQUET_LINK = "parquet"
VERSION_PREFIX = ".spark-parquet-"
BUILD_INFO_FILE = "_build_info.json"
LOCK_FILE = ".refresh.lock"
MATERIALIZED_AS_TABLE = frozenset({"table", "incremental", "seed"})
_STALE_LINK_SECONDS = 3600


class SparkRefreshError(RuntimeError):
    """A step of the Spark refresh failed; nothing was published."""


@dataclass(frozen=True)
class SparkPublishResult:
    build_id: str
    parquet_dir: Path  # the ``parquet`` link
    version_dir: Path  # the directory it points to
    tables: tuple[str, ...]  # "<schema>.<table>"
    kpi_values_rows: int
    previous_build_id: str | None


def selected_target(environ: Mapping[str, str] | None = None) -> str:
    """The dbt target the refresh builds on: ``$AFTERSALES_TARGET``, default ``duckdb``."""
    env = os.environ if environ is None else environ
    return (env.get(TARGET_ENV) or DEFAULT_TARGET).strip()


# --- reading Spark tables without a JVM -------------------------------------------------


def spark_tables_dir(warehouse_dir: Path) -> Path:
    """``spark.sql.warehouse.dir`` of the ``spark`` target (see profiles.yml)."""
    return warehouse_dir / SPARK_SUBDIR / "tables"


def table_dir(warehouse_dir: Path, schema: str, table: str) -> Path:
    """The directory of a managed table of the ``spark`` target."""
    return spark_tables_dir(warehouse_dir) / f"{schema}.db" / table


def data_files(directory: Path) -> list[Path]:
    """The Parquet data files of a table directory (partition sub-directories included;
    Spark's hidden checksum files, ``_SUCCESS`` markers and ``_temporary`` dirs excluded)."""
    if not directory.is_dir():
        return []
    files = []
    for path in sorted(directory.rglob("*.parquet")):
        parts = path.relative_to(directory).parts
        if path.is_file() and not any(p.startswith((".", "_")) for p in parts):
            files.append(path)
    return files


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def parquet_source(directory: Path) -> str:
    """A DuckDB table expression over a table directory's Parquet files."""
    files = data_files(directory)
    if not files:
        raise SparkRefreshError(f"no Parquet files in {directory}")
    listed = ", ".join(_sql_text(str(f)) for f in files)
    # hive_partitioning: a partition column comes back from its directory name
    return f"read_parquet([{listed}], hive_partitioning = true)"


def _count(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    return int(con.execute(f"select count(*) from {parquet_source(directory)}").fetchone()[0])


def read_spark_table(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, schema: str, table: str
) -> duckdb.DuckDBPyRelation:
    return con.sql(f"select * from {parquet_source(table_dir(warehouse_dir, schema, table))}")


# --- steps ---------------------------------------------------------------------------------


@contextlib.contextmanager
def warehouse_lock(warehouse_dir: Path) -> Iterator[None]:
    """One refresh per Spark warehouse dir at a time (Derby would refuse the second JVM)."""
    directory = warehouse_dir / SPARK_SUBDIR
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SparkRefreshError(
                f"another refresh is running on the Spark warehouse {directory}"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(settings.dbt_env())
    env[TARGET_ENV] = SPARK_TARGET
    return env


def _stream_process(command: list[str], env: Mapping[str, str], stream: TextIO) -> int:
    """Run ``command`` in the project dir, copying its output to ``stream`` line by line."""
    with subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(f"    {line.rstrip()}", file=stream, flush=True)
        return process.wait()


def run_spark_ingest(settings: Settings, stream: TextIO | None = None) -> None:
    """Load new landing files into the Spark raw tables, in a process of its own."""
    stream = stream or sys.stdout
    command = [
        sys.executable,
        "-m",
        "orchestration.engines.spark.ingest",
        "--landing-dir",
        str(settings.landing_dir),
        "--warehouse-dir",
        str(settings.warehouse_dir),
    ]
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=_environment(settings),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    for line in result.stdout.splitlines():
        print(f"    {line}", file=stream, flush=True)
    if result.returncode != 0:  # the JVM's log is long; its end has the cause
        tail = "\n".join(result.stderr.strip().splitlines()[-30:])
        raise SparkRefreshError(f"the Spark ingest failed (exit {result.returncode}):\n{tail}")


def dbt_executable() -> str:
    """The running interpreter's dbt (a venv need not be activated), else ``dbt`` on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_target_path() -> Path:
    """``$DBT_TARGET_PATH`` (relative to the project) or the project's ``target``."""
    path = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return path if path.is_absolute() else PROJECT_DIR / path


def run_dbt_build(
    settings: Settings,
    *,
    target_path: Path | None = None,
    extra_args: Sequence[str] = (),
    stream: TextIO | None = None,
) -> Path:
    """``dbt build --target spark``; returns the target path (manifest, run results)."""
    stream = stream or sys.stdout
    target_path = target_path or dbt_target_path()
    command = [
        dbt_executable(),
        "build",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        SPARK_TARGET,
        "--target-path",
        str(target_path),
        *extra_args,
    ]
    code = _stream_process(command, _environment(settings), stream)
    if code != 0:
        raise SparkRefreshError(f"dbt build --target spark failed (exit {code})")
    return target_path


def mart_tables(
    manifest_path: Path, schemas: Sequence[str] = PUBLISH_SCHEMAS
) -> list[tuple[str, str]]:
    """(schema, table) of every enabled model or seed built as a table in ``schemas``,
    except models declared not served (``meta.served: false``, as the semantic marts are:
    the same declaration as the DuckDB publish, orchestration/serving/selection.py)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = set()
    for node in manifest.get("nodes", {}).values():
        config = node.get("config") or {}
        if node.get("resource_type") not in {"model", "seed"}:
            continue
        if not config.get("enabled", True) or node.get("schema") not in schemas:
            continue
        if (config.get("meta") or {}).get("served") is False:
            continue
        if config.get("materialized") in MATERIALIZED_AS_TABLE:
            tables.add((node["schema"], node.get("alias") or node["name"]))
    return sorted(tables)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def check_kpi_values(warehouse_dir: Path, serving_dir: Path | None = None) -> Any:
    """The Great Expectations suite of ``kpi_values`` on the Spark build (a SuiteResult);
    the row count is compared with the published build's when there is one."""
    from orchestration.quality.kpi_values_suite import (
        KpiDefinition,
        rowcount_band,
        validate_kpi_values,
    )

    with duckdb.connect() as con:
        frame = read_spark_table(con, warehouse_dir, *KPI_VALUES).df()
        source = parquet_source(table_dir(warehouse_dir, *KPI_DEFINITIONS))
        con.execute(f"create view kpi_definitions as select * from {source}")
        from_seed = {"value_min", "value_max"} <= set(con.sql("from kpi_definitions").columns)
        bounds = "value_min, value_max" if from_seed else "null, null"
        rows = con.execute(
            f"select kpi_code, kind, scale, {bounds} from kpi_definitions order by kpi_code"
        ).fetchall()
        previous = None
        if serving_dir is not None:
            served = serving_dir / PARQUET_LINK / KPI_VALUES[0] / KPI_VALUES[1]
            if data_files(served):
                previous = _count(con, served)
    definitions = [
        KpiDefinition(str(code), str(kind), float(scale), _number(low), _number(high), from_seed)
        for code, kind, scale, low, high in rows
    ]
    return validate_kpi_values(frame, definitions, previous_rows=previous, band=rowcount_band())


# --- publish -------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(directory: Path) -> None:
    for path in sorted(directory.rglob("*"), reverse=True):  # files before their dirs
        _fsync(path)
    _fsync(directory)


def _point_link(link: Path, target_name: str) -> None:
    """Make ``link`` a relative symbolic link to ``target_name``, atomically."""
    if link.exists() and not link.is_symlink():  # a real directory: move it aside
        os.replace(link, link.with_name(f".{link.name}-replaced-{secrets.token_hex(4)}"))
    temp = link.with_name(f".{link.name}.link-{secrets.token_hex(4)}")
    os.symlink(target_name, temp)
    try:
        os.replace(temp, link)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def served_build_id(serving_dir: Path) -> str | None:
    """The build id the ``parquet`` link points to (None when nothing Spark-built is served)."""
    link = serving_dir / PARQUET_LINK
    if not link.is_symlink():
        return None
    name = os.readlink(link)
    return name[len(VERSION_PREFIX) :] if name.startswith(VERSION_PREFIX) else None


def read_build_info(parquet_dir: Path) -> dict[str, Any]:
    path = parquet_dir / BUILD_INFO_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _as_of(warehouse_dir: Path) -> datetime | None:
    directory = table_dir(warehouse_dir, *AS_OF_TABLE)
    if not data_files(directory):
        return None
    with duckdb.connect() as con:
        row = con.execute(f"select max(as_of) from {parquet_source(directory)}").fetchone()
    return row[0] if row else None


def _copy_table(source: Path, destination: Path) -> int:
    """Copy a table's data files (keeping partition directories); return the file count."""
    files = data_files(source)
    if not files:
        raise SparkRefreshError(f"the table {source} has no data files: was it built?")
    for path in files:
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return len(files)


def _prune(serving_dir: Path, keep_ids: set[str]) -> None:
    now = time.time()
    for path in serving_dir.iterdir():
        name = path.name
        if name.startswith(VERSION_PREFIX) and path.is_dir() and not path.is_symlink():
            if name[len(VERSION_PREFIX) :] not in keep_ids:
                shutil.rmtree(path, ignore_errors=True)
        elif name.startswith(f".{PARQUET_LINK}.link-") and path.is_symlink():
            with contextlib.suppress(OSError):  # a link left by a killed publish
                if now - path.lstat().st_mtime > _STALE_LINK_SECONDS:
                    path.unlink()


def publish_parquet(
    warehouse_dir: Path,
    serving_dir: Path,
    tables: Sequence[tuple[str, str]],
    *,
    build_id: str | None = None,
) -> SparkPublishResult:
    """Publish ``tables`` of the Spark warehouse as ``<serving_dir>/parquet/<schema>/<table>/``.

    Everything is written and checked in a new version directory before the ``parquet``
    link is swapped to it; if anything fails before the swap, the served build is untouched
    and the new directory is removed.
    """
    from orchestration.serving.publish import new_build_id

    if tuple(KPI_VALUES) not in {tuple(t) for t in tables}:
        raise SparkRefreshError("marts.kpi_values is not among the tables to publish")
    serving_dir.mkdir(parents=True, exist_ok=True)
    build_id = build_id or new_build_id()
    version = serving_dir / f"{VERSION_PREFIX}{build_id}"
    previous_id = served_build_id(serving_dir)
    swapped = False
    try:
        version.mkdir()
        published: list[str] = []
        with duckdb.connect() as con:
            for schema, table in tables:
                source = table_dir(warehouse_dir, schema, table)
                destination = version / schema / table
                _copy_table(source, destination)
                if _count(con, destination) != _count(con, source):
                    raise SparkRefreshError(f"the copy of {schema}.{table} does not read back")
                published.append(f"{schema}.{table}")
            kpi_dir = version / KPI_VALUES[0] / KPI_VALUES[1]
            rows, total = con.execute(
                f"select count(*), sum(hash(t)) from {parquet_source(kpi_dir)} as t"
            ).fetchone()
        as_of = _as_of(warehouse_dir)
        info = {
            "build_id": build_id,
            "engine": SPARK_TARGET,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_warehouse": str(spark_tables_dir(warehouse_dir)),
            "as_of": as_of.isoformat() if as_of else None,
            "kpi_values_rows": int(rows),
            "kpi_values_fingerprint": f"{rows}:{total or 0}",
            "tables": published,
        }
        (version / BUILD_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", "utf-8")
        _fsync_tree(version)
        _point_link(serving_dir / PARQUET_LINK, version.name)
        swapped = True
        _fsync(serving_dir)
    finally:
        if not swapped:
            shutil.rmtree(version, ignore_errors=True)
    keep = {build_id} | ({previous_id} if previous_id else set())
    _prune(serving_dir, keep)
    return SparkPublishResult(
        build_id=build_id,
        parquet_dir=serving_dir / PARQUET_LINK,
        version_dir=version,
        tables=tuple(published),
        kpi_values_rows=int(rows),
        previous_build_id=previous_id,
    )


def rollback_parquet(serving_dir: Path) -> str:
    """Point ``parquet`` back to the other kept build; returns the build id now served."""
    current = served_build_id(serving_dir)
    kept = sorted(
        p.name[len(VERSION_PREFIX) :]
        for p in serving_dir.glob(f"{VERSION_PREFIX}*")
        if p.is_dir() and p.name[len(VERSION_PREFIX) :] != current
    )
    if not kept:
        raise SparkRefreshError(f"nothing to roll back to in {serving_dir}")
    previous = kept[-1]
    _point_link(serving_dir / PARQUET_LINK, f"{VERSION_PREFIX}{previous}")
    _fsync(serving_dir)
    return previous


# --- summary ----------------------------------------------------------------------------


def read_parquet_summary(parquet_dir: Path) -> Any:
    """The headline-KPI summary (``orchestration/serving/summary.py``) of a published Parquet build."""
    from orchestration.serving.summary import HEADLINE_KPIS, NETWORK_LABEL, Cell, KpiSummary
    from orchestration.serving.summary import last_full_month as month_before

    kpis = HEADLINE_KPIS
    kpi_dir = parquet_dir / KPI_VALUES[0] / KPI_VALUES[1]
    as_of_text = read_build_info(parquet_dir).get("as_of")
    with duckdb.connect() as con:
        con.execute(f"create view kpi_values as select * from {parquet_source(kpi_dir)}")
        as_of = datetime.fromisoformat(as_of_text) if as_of_text else None
        if as_of is None:
            day = con.execute("select max(period_start) from kpi_values where grain = 'day'")
            last: date | None = day.fetchone()[0]
            as_of = datetime(last.year, last.month, last.day, 23, 59, 59) if last else None
        if as_of is None:
            return KpiSummary(None, None, kpis, {})
        month = month_before(as_of)
        placeholders = ", ".join("?" for _ in kpis)
        records = con.execute(
            "select coalesce(branch_code, ?) as branch, kpi_code, value, meets_target "
            "from kpi_values "
            f"where grain = 'month' and period_start = ? and kpi_code in ({placeholders}) "
            "order by branch_code nulls last, kpi_code",
            [NETWORK_LABEL, month, *kpis],
        ).fetchall()
    rows: dict[str, dict[str, Any]] = {}
    for branch, code, value, meets in records:
        rows.setdefault(branch, {})[code] = Cell(
            None if value is None else float(value), None if meets is None else bool(meets)
        )
    return KpiSummary(as_of, month, kpis, rows)


# --- the command ------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options of ``aftersales-refresh`` (orchestration/cli/refresh.py)."""
    parser = argparse.ArgumentParser(
        prog="aftersales-refresh",
        description="Ingest, build, check and publish the after-sales KPIs on Spark "
        "(AFTERSALES_TARGET=spark).",
    )
    parser.add_argument("--landing-dir", type=Path, help="default: $AFTERSALES_LANDING_DIR")
    parser.add_argument("--warehouse-dir", type=Path, help="default: $AFTERSALES_WAREHOUSE_DIR")
    parser.add_argument("--serving-dir", type=Path, help="default: $AFTERSALES_SERVING_DIR")
    parser.add_argument("--as-of", help="reference time, branch-local 'YYYY-MM-DD HH:MM:SS'")
    parser.add_argument(
        "--no-publish", action="store_true", help="build and check, but do not publish"
    )
    parser.add_argument(
        "--rollback", action="store_true", help="serve the previously published build again"
    )
    parser.add_argument(
        "--retract", metavar="TABLE/FILE", action="append", help="not available on Spark yet"
    )
    parser.add_argument("--note", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for name in ("landing_dir", "warehouse_dir", "serving_dir"):
        value = getattr(args, name)
        if value:
            overrides[name] = value.resolve()
    if args.as_of:
        overrides["as_of"] = args.as_of
    return dataclasses.replace(load_settings(), **overrides)


def refresh(
    settings: Settings, *, publish: bool = True, stream: TextIO | None = None
) -> SparkPublishResult | None:
    """Ingest → dbt build → GX check → publish on the Spark target; raises on failure."""
    out = stream or sys.stdout

    def step(label: str) -> float:
        print(f"==> {label}", file=out, flush=True)
        return time.monotonic()

    def done(started: float, detail: str = "") -> None:
        print(f"    done in {time.monotonic() - started:.1f}s{detail}", file=out, flush=True)

    with warehouse_lock(settings.warehouse_dir):
        started = step("ingest landing files (Spark)")
        run_spark_ingest(settings, out)
        done(started)
        started = step("dbt build --target spark (seeds, models, tests)")
        target_path = run_dbt_build(settings, stream=out)
        done(started)
        started = step("Great Expectations suite on kpi_values")
        result = check_kpi_values(settings.warehouse_dir, settings.serving_dir)
        print(f"    {result.summary()}", file=out, flush=True)
        if not result.success:
            raise SparkRefreshError("the kpi_values suite failed")
        done(started)
        if not publish:
            return None
        started = step("publish Parquet to the serving directory")
        tables = mart_tables(target_path / "manifest.json")
        published = publish_parquet(settings.warehouse_dir, settings.serving_dir, tables)
        done(started, f", {len(published.tables)} tables, build {published.build_id}")
        return published


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    target = selected_target()
    if target != SPARK_TARGET:
        print(
            f"{TARGET_ENV}={target}: this command runs the 'duckdb' and 'spark' targets; "
            "on a cluster (spark_cluster) load the raw tables with the platform's ingestion "
            "and run `dbt build --target spark_cluster`.",
            file=sys.stderr,
        )
        return 2
    if args.retract:
        print(
            "--retract is not available on the spark target yet: drop the batch's partition "
            "(alter table raw.<table> drop partition (_source_file = '<file>')) and its row "
            "in raw._loaded_files by hand, or use the duckdb target (docs/decisions.md).",
            file=sys.stderr,
        )
        return 2
    if args.rollback:
        try:
            build_id = rollback_parquet(settings.serving_dir)
        except SparkRefreshError as error:
            print(f"rollback failed: {error}", file=sys.stderr)
            return 1
        print(f"now serving build {build_id} at {settings.serving_dir / PARQUET_LINK}")
        return 0

    if not sys.stdout.isatty():
        os.environ.setdefault("DBT_USE_COLORS", "false")
    started = time.monotonic()
    print(f"target    {SPARK_TARGET}")
    print(f"landing   {settings.landing_dir}")
    print(f"warehouse {settings.warehouse_dir / SPARK_SUBDIR}")
    serving = settings.serving_dir / PARQUET_LINK
    print(f"serving   {serving}" + ("  (not published)" if args.no_publish else ""))
    try:
        refresh(settings, publish=not args.no_publish)
    except SparkRefreshError as error:
        elapsed = time.monotonic() - started
        print(f"    FAILED: {error}")
        print(f"\nRefresh FAILED after {elapsed:.0f}s; nothing was published.")
        return 1
    print(f"\nRefresh succeeded in {time.monotonic() - started:.0f}s.\n")

    from orchestration.serving.summary import format_summary

    if args.no_publish:
        print("(nothing was published: no summary of the served build)")
        return 0
    print(format_summary(read_parquet_summary(serving)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
