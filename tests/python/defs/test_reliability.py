"""Lock retries, transient-error classification and the failure log with its webhook."""

from __future__ import annotations

import errno
import http.server
import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest
from dagster import Failure

from orchestration.defs.automation.policies import retry_only_transient, writer_retry_policy
from orchestration.defs.automation.run_log import RunFailure, read_run_log, record_failure
from orchestration.engines.duckdb.connection import connect, is_transient, retry_transient

HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("create table if not exists t as select 1 as x")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    """
)


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the DuckDB write lock on ``path`` for ``seconds``."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


def test_connect_waits_for_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = hold_lock(path, 1.5)
    try:
        with pytest.raises(duckdb.IOException, match="lock"):
            connect(path, attempts=1)
        started = time.monotonic()
        with connect(path, attempts=8, delay=0.2) as con:
            assert con.execute("select x from t").fetchone() == (1,)
        assert time.monotonic() - started > 0.3  # it did wait
    finally:
        holder.wait(timeout=30)


def test_transient_errors_are_locks_and_io_errors() -> None:
    assert is_transient(duckdb.IOException('Could not set lock on file "x.duckdb"'))
    assert is_transient(OSError(errno.EIO, "Input/output error"))
    assert is_transient(RuntimeError("wrapped")) is False
    assert not is_transient(FileNotFoundError(errno.ENOENT, "missing"))
    assert not is_transient(ValueError("contract violation: missing column opened_at"))
    try:
        try:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        except OSError as error:
            raise RuntimeError("step failed") from error
    except RuntimeError as chained:
        assert is_transient(chained)


def test_retry_transient_retries_only_transient_errors() -> None:
    calls: list[int] = []
    waits: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise duckdb.IOException("Could not set lock on file")
        return "ok"

    assert retry_transient(flaky, attempts=5, delay=1.0, sleep=waits.append) == "ok"
    assert len(calls) == 3
    assert len(waits) == 2 and waits[1] > waits[0]  # exponential backoff (with jitter)

    def broken() -> None:
        calls.append(1)
        raise ValueError("not transient")

    calls.clear()
    with pytest.raises(ValueError):
        retry_transient(broken, attempts=5, delay=0, sleep=waits.append)
    assert len(calls) == 1


def test_non_transient_step_errors_are_not_retried() -> None:
    policy = writer_retry_policy()
    assert policy.max_retries == 3 and policy.delay == 10
    with pytest.raises(Failure) as caught, retry_only_transient("ingest"):
        raise ValueError("bad file")
    assert caught.value.allow_retries is False
    with pytest.raises(duckdb.IOException), retry_only_transient("ingest"):
        raise duckdb.IOException("Could not set lock on file")


class Sink:
    def __init__(self, status: int = 200) -> None:
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.headers["Content-Type"], json.loads(body)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def failure(step: str = "dbt_build") -> RunFailure:
    return RunFailure("run-1", "refresh", step, "Failure", "1 of 300 FAIL 1 assert_batch_quality")


def test_failure_is_logged_and_posted_while_the_warehouse_is_locked(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path / "aftersales.duckdb", 3)
    sink = Sink()
    try:
        status = record_failure(tmp_path, failure(), webhook_url=sink.url)
    finally:
        sink.close()
        holder.wait(timeout=30)
    assert status == "200"
    [(content_type, payload)] = sink.received
    assert content_type == "application/json"
    assert payload["step_key"] == "dbt_build" and payload["run_id"] == "run-1"
    [row] = read_run_log(tmp_path)
    assert row["error_class"] == "Failure" and row["webhook_status"] == "200"
    assert "assert_batch_quality" in row["message"]


def test_webhook_problems_never_stop_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = Sink(status=500)
    monkeypatch.setenv("AFTERSALES_FAILURE_WEBHOOK_URL", sink.url)
    try:
        assert record_failure(tmp_path, failure("ingest")) == "error: HTTP 500"
    finally:
        sink.close()
    monkeypatch.setenv("AFTERSALES_FAILURE_WEBHOOK_URL", sink.url)  # now closed
    assert record_failure(tmp_path, failure("publish")).startswith("error:")
    monkeypatch.delenv("AFTERSALES_FAILURE_WEBHOOK_URL")
    assert record_failure(tmp_path, failure("gx")) == "not configured"
    assert [r["step_key"] for r in read_run_log(tmp_path)] == ["ingest", "publish", "gx"]
