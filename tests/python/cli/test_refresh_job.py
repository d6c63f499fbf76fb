"""The scheduled refresh end to end: the whole job in process, a failing dbt test, a kill in
the middle of dbt, and readers during several publishes.

All start from the ``refreshed`` session fixture (conftest.py): one successful refresh of
the small generated landing directory, whose directories are copied before a test changes
anything.
"""

from __future__ import annotations

import csv
import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from personal_scan import landing_needles, scan_text

from orchestration.config import PROJECT_DIR
from orchestration.defs.automation.run_log import read_run_log
from orchestration.quality.staging_suites import STAGING_SUITES
from orchestration.serving.publish import kpi_values_fingerprint, publish

SERVED = "aftersales.duckdb"


def copy_refreshed(refreshed: SimpleNamespace, destination: Path) -> SimpleNamespace:
    """Copies of the refreshed landing, warehouse and serving directories."""
    copies = {}
    for name in ("landing", "warehouse", "serving"):
        copies[name] = destination / name
        shutil.copytree(getattr(refreshed, name), copies[name], symlinks=True)
    return SimpleNamespace(**copies)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_env(dirs: SimpleNamespace, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AFTERSALES_LANDING_DIR=str(dirs.landing),
        AFTERSALES_WAREHOUSE_DIR=str(dirs.warehouse),
        AFTERSALES_SERVING_DIR=str(dirs.serving),
        **extra,
    )
    env.pop("AFTERSALES_AS_OF", None)
    return env


def test_whole_job_publishes_the_bi_layer_with_build_info_and_parquet(
    refreshed: SimpleNamespace,
) -> None:
    assert refreshed.exit_code == 0
    served = refreshed.serving / SERVED
    with duckdb.connect(str(served), read_only=True) as con:
        build_id, rows, fingerprint = con.execute(
            "select build_id, kpi_values_rows, kpi_values_fingerprint from ops.build_info"
        ).fetchone()
        assert kpi_values_fingerprint(con) == fingerprint
        assert con.execute("select count(*) from marts.kpi_values").fetchone()[0] == rows > 0
        tables = {
            (r[0], r[1])
            for r in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = current_database()"
            ).fetchall()
        }
    # Only the BI layer: the marts declared served and the build stamp.
    assert {schema for schema, _ in tables} == {"marts", "ops"}
    marts = {name for schema, name in tables if schema == "marts"}
    assert {"kpi_values", "dim_kpis", "fct_technician_kpi_values"} <= marts
    assert not marts & {"fct_kpi_daily", "metricflow_time_spine"}  # semantic layer only
    # Parquet export (on by default): the same tables, the same rows as the served file,
    # a folder per table (D-109)
    parquet = refreshed.serving / "parquet"
    assert parquet.is_symlink() and build_id in os.readlink(parquet)
    folders = {f"{p.parent.name}.{p.name}" for p in parquet.glob("*/*") if p.is_dir()}
    assert folders == {f"marts.{name}" for name in marts} | {"ops.build_info"}
    with duckdb.connect() as con:
        count = con.execute(
            "select count(*) from read_parquet(?)", [str(parquet / "marts/kpi_values/*.parquet")]
        ).fetchone()[0]
    assert count == rows
    # GX data docs stay with the warehouse (operators only), one site per suite.
    assert not (refreshed.serving / "data_docs").exists()
    docs = refreshed.warehouse / "data_docs"
    for suite in ("kpi_values", "kpi_values_trend", *STAGING_SUITES):
        assert list((docs / suite / "validations").rglob("*.html")), suite
    # The build warehouse is not the served file, and nothing failed.
    assert sha256(refreshed.warehouse / SERVED) != sha256(served)
    assert read_run_log(refreshed.warehouse) == []


class WebhookServer:
    """A JSON sink on 127.0.0.1 (an ephemeral port), for the failure webhook."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_bad_ticket_batch(landing: Path) -> Path:
    """A new tickets export whose rows all have an unknown status: 100 % quarantined, far
    above the 5 % the batch-quality test allows (an error-severity dbt test)."""
    folder = landing / "tickets"
    source = sorted(p for p in folder.iterdir() if p.suffix == ".csv")[-1]
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:20]
    assert rows
    target = folder / "2025-12-31T020000.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "status": "teleported"})
    return target


def test_failing_dbt_test_blocks_publish_and_is_logged(
    refreshed: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.cli.refresh import main

    dirs = copy_refreshed(refreshed, tmp_path)
    add_bad_ticket_batch(dirs.landing)
    served_before = sha256(dirs.serving / SERVED)
    link_before = os.readlink(dirs.serving / "parquet")
    with WebhookServer() as hook:
        for name, value in refresh_env(dirs, AFTERSALES_FAILURE_WEBHOOK_URL=hook.url).items():
            if name.startswith("AFTERSALES_"):
                monkeypatch.setenv(name, value)
        monkeypatch.delenv("AFTERSALES_EXPORT_PARQUET", raising=False)
        exit_code = main([])

    assert exit_code == 1
    assert sha256(dirs.serving / SERVED) == served_before
    assert os.readlink(dirs.serving / "parquet") == link_before
    log = read_run_log(dirs.warehouse)
    assert [row["step_key"] for row in log] == ["dbt_build"]
    assert "batch_quality" in str(log[0]["message"]) or "quarantine" in str(log[0]["message"])
    assert log[0]["webhook_status"] == "204"
    assert len(hook.received) == 1
    payload = hook.received[0]
    assert payload["event"] == "aftersales_run_failure"
    assert payload["step_key"] == "dbt_build" and payload["job_name"] == "refresh"
    # no personal data in the failure message, the run log or the webhook payload (D-045)
    needles = landing_needles(dirs.landing)
    sent = json.dumps([payload, log], ensure_ascii=False, default=str)
    assert scan_text(sent, needles, "failure") == []


DBT_NODE_LINE = re.compile(r"^\d+ of \d+ (START|OK|PASS)\b")


def test_kill_during_dbt_build_leaves_served_file_unchanged(
    refreshed: SimpleNamespace, tmp_path: Path
) -> None:
    dirs = copy_refreshed(refreshed, tmp_path)
    served = dirs.serving / SERVED
    before = sha256(served)
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli.refresh"],
        cwd=PROJECT_DIR,
        env=refresh_env(dirs, DBT_USE_COLORS="false"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: dbt's subprocess is killed too
    )
    seen: list[str] = []
    killed_at = None
    try:
        deadline = time.monotonic() + 240
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line.rstrip())
            if DBT_NODE_LINE.match(line.strip()) and "OK created" in line:
                os.killpg(process.pid, signal.SIGKILL)
                killed_at = line.strip()
                break
            assert time.monotonic() < deadline, "dbt did not start building"
    finally:
        if process.poll() is None and killed_at is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert killed_at, "the refresh ended before dbt built a model:\n" + "\n".join(seen[-30:])
    assert process.returncode == -signal.SIGKILL
    assert sha256(served) == before
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("select count(*) from marts.kpi_values").fetchone()[0] > 0
    assert not [p.name for p in dirs.serving.iterdir() if p.name.endswith(".tmp")]


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    served, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    queries = errors = mismatches = 0
    builds, problems = [], []
    while not stop.exists():
        queries += 1
        try:
            with duckdb.connect(str(served), read_only=True) as con:
                build_id, stamped = con.execute(
                    "select build_id, kpi_values_fingerprint from ops.build_info"
                ).fetchone()
                count, total = con.execute(
                    "select count(*), sum(hash(t)) from marts.kpi_values as t"
                ).fetchone()
            if f"{count}:{total or 0}" != stamped:
                mismatches += 1
                problems.append(f"{build_id}: {count}:{total} != {stamped}")
            if not builds or builds[-1] != build_id:
                builds.append(build_id)
        except Exception as error:
            errors += 1
            problems.append(f"{type(error).__name__}: {error}")
        time.sleep(0.01)
    out.write_text(json.dumps(dict(queries=queries, errors=errors, mismatches=mismatches,
                                   builds=builds, problems=problems[:20])))
    """
)


def rebuild_marts(warehouse_dir: Path, as_of: str, target: Path) -> None:
    """Re-run the models downstream of the as-of time with another as-of (dbt run)."""
    env = dict(os.environ)
    env.update(
        AFTERSALES_WAREHOUSE_DIR=str(warehouse_dir),
        AFTERSALES_AS_OF=as_of,
        DBT_TARGET_PATH=str(target),
        DBT_USE_COLORS="false",
    )
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "run", "--profiles-dir", ".", "--select", "int_as_of_resolved+", "--quiet"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_readers_never_see_a_mix_during_publishes(
    refreshed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two builds whose kpi_values differ: the refreshed one, and one as of the end of March.
    builds = [tmp_path / "build_a", tmp_path / "build_b"]
    for build in builds:
        shutil.copytree(refreshed.warehouse, build)
    rebuild_marts(builds[1], "2025-03-31 23:59:59", tmp_path / "target")
    fingerprints = []
    for build in builds:
        with duckdb.connect(str(build / SERVED), read_only=True) as con:
            fingerprints.append(kpi_values_fingerprint(con))
    assert fingerprints[0] != fingerprints[1]

    serving = tmp_path / "serving"
    published = [publish(builds[0] / SERVED, serving, export_parquet=False)]
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, str(script), str(serving / SERVED), str(stop), str(out)]
    )
    try:
        time.sleep(0.5)
        for index in range(1, 5):
            published.append(publish(builds[index % 2] / SERVED, serving, export_parquet=False))
            time.sleep(0.8)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    report = json.loads(out.read_text())
    with capsys.disabled():
        print(
            f"\n[reader] {report['queries']} queries, {len(published)} publishes, "
            f"{report['errors']} errors, {report['mismatches']} mixed reads, "
            f"{len(report['builds'])} build switches seen"
        )
    assert report["errors"] == 0, report["problems"]
    assert report["mismatches"] == 0, report["problems"]
    assert report["queries"] >= 20
    ids = [p.build_id for p in published]
    assert len(set(ids)) == 5
    assert set(report["builds"]) <= set(ids)
    assert len(report["builds"]) >= 3  # the reader saw several publishes happen
    assert [p.fingerprint for p in published] == [fingerprints[i % 2] for i in range(5)]
