"""Why a run failed: a row in a small run log database, and an optional webhook POST.

The log is ``<warehouse_dir>/run_log.duckdb``, table ``ops.run_log``: a separate file, so
that recording a failure never needs the build warehouse (which a crashed step may still
hold locked). One row per failed step: ``logged_at`` (UTC), ``run_id``, ``job_name``,
``step_key``, ``error_class``, ``message``, ``webhook_status``.

A full disk must not break the log for good: a record is written into a copy of the log
that replaces it atomically (``os.replace``) only once complete, under a lock file, so a
write that fails (ENOSPC) leaves the previous log intact; a log that cannot be opened (a
0-byte or damaged file from before) is moved aside as ``run_log.duckdb.unreadable-<time>``
and a new one is started, whose first row says so.

When ``AFTERSALES_FAILURE_WEBHOOK_URL`` is set, the same record is POSTed there as JSON
(``Content-Type: application/json``, 10 s timeout, no retries). A webhook that fails is
noted in ``webhook_status`` and never fails anything else.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import connect

RUN_LOG_FILE_NAME = "run_log.duckdb"
RUN_LOG_TABLE = "ops.run_log"
WEBHOOK_ENV = "AFTERSALES_FAILURE_WEBHOOK_URL"
WEBHOOK_TIMEOUT_SECONDS = 10.0
MAX_MESSAGE_CHARS = 8000


@dataclass(frozen=True)
class RunFailure:
    run_id: str
    job_name: str
    step_key: str | None
    error_class: str | None
    message: str
    logged_at: str = ""

    def as_json(self) -> dict[str, object]:
        return {"event": "aftersales_run_failure", **asdict(self)}


def run_log_path(warehouse_dir: Path) -> Path:
    return warehouse_dir / RUN_LOG_FILE_NAME


def post_webhook(url: str, payload: dict[str, object]) -> str:
    """POST ``payload`` as JSON; return ``"<status>"`` or ``"error: …"``."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "aftersales-refresh"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            return str(response.status)
    except urllib.error.HTTPError as error:
        return f"error: HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"error: {error}"


def record_failure(warehouse_dir: Path, failure: RunFailure, webhook_url: str | None = None) -> str:
    """Append the failure to the run log and notify the webhook; return the webhook status
    (``"not configured"`` without a URL)."""
    failure = RunFailure(
        run_id=failure.run_id,
        job_name=failure.job_name,
        step_key=failure.step_key,
        error_class=failure.error_class,
        message=(failure.message or "")[:MAX_MESSAGE_CHARS],
        logged_at=failure.logged_at or datetime.now(UTC).isoformat(timespec="seconds"),
    )
    url = webhook_url if webhook_url is not None else os.environ.get(WEBHOOK_ENV, "").strip()
    status = post_webhook(url, failure.as_json()) if url else "not configured"
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    logged_at = datetime.fromisoformat(failure.logged_at).astimezone(UTC).replace(tzinfo=None)
    row = [
        logged_at,
        failure.run_id,
        failure.job_name,
        failure.step_key,
        failure.error_class,
        failure.message,
        status,
    ]
    path = run_log_path(warehouse_dir)
    with _locked(path):
        rows = [row]
        if path.exists() and not _readable(path):
            aside = path.with_name(f"{path.name}.unreadable-{logged_at:%Y%m%dT%H%M%S}")
            os.replace(path, aside)
            with contextlib.suppress(FileNotFoundError):
                os.replace(path.with_name(path.name + ".wal"), aside.with_name(aside.name + ".wal"))
            note = f"the run log was unreadable (a full disk?); moved aside to {aside.name}"
            rows.insert(0, [logged_at, failure.run_id, "run_log", None, None, note, None])
        _append_atomically(path, rows)
    return status


@contextlib.contextmanager
def _locked(path: Path):
    """One writer of the run log at a time (several processes may fail at once)."""
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _readable(path: Path) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            con.execute(f"select count(*) from {RUN_LOG_TABLE}").fetchone()
    except duckdb.Error:
        return False
    return True


def _append_atomically(path: Path, rows: list[list[object]]) -> None:
    """Write ``rows`` into a copy of the log, then put the copy in its place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if path.exists():
            shutil.copyfile(path, temporary)
        with connect(temporary) as con:
            con.execute("create schema if not exists ops")
            con.execute(
                f"create table if not exists {RUN_LOG_TABLE} (logged_at timestamp not null, "
                "run_id varchar not null, job_name varchar not null, step_key varchar, "
                "error_class varchar, message varchar, webhook_status varchar)"
            )
            con.executemany(f"insert into {RUN_LOG_TABLE} values (?, ?, ?, ?, ?, ?, ?)", rows)
            con.execute("checkpoint")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def read_run_log(warehouse_dir: Path) -> list[dict[str, object]]:
    path = run_log_path(warehouse_dir)
    if not path.is_file():
        return []
    with connect(path, read_only=True) as con:
        cursor = con.execute(f"select * from {RUN_LOG_TABLE} order by logged_at, run_id")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
