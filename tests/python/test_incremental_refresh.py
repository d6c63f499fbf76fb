"""Incremental equals full (issue 12).

A sequence of deliveries is replayed on one build warehouse, each followed by an
incremental ``dbt build`` (the refresh's arguments, without the data tests). After every
step a copy of that warehouse (the same raw rows) is rebuilt with ``--full-refresh``, in
the background while the next step is delivered and built (a second copy keeps the
incremental warehouse as the step left it), and every table the models build (staging,
intermediate, marts: ``kpi_values`` and all) must be identical, row for row, except the
build stamps (``_staged_at``, ``_resolved_at``,
``_computed_at``, and ``_outcomes_as_of``: the as-of of the build that measured a work
order's SLA) and doubles compared at 1e-9 (a sum's last bits depend on the order
DuckDB adds in, which varies between two full builds as well).

The deliveries: new days; late versions of old work orders and a deletion; a work order
from a branch not known yet, an asset deleted and one without its warranty end; that
branch arriving; a re-sent file and a service contract added to an asset; late rows
inside the known-outcome windows (a rework four weeks after a delivery, a follow-up call,
a late receipt); late punches; no new file with the same as-of time; the as-of time
moving forward over holidays with no new file; a retracted batch (with the as-of time
moving back).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from dbt_cli import INVARIANT_TEST_COUNT, dbt_env, invariant_results, run_dbt, start_dbt

from orchestration.config import Settings, load_settings, override
from orchestration.engines import engine_for

HELD_BACK_FROM = "2025-04-14"  # files of these days and later are delivered step by step
STAMPS = ("_staged_at", "_resolved_at", "_computed_at", "_outcomes_as_of")
# one row per build (what the build recomputed): a log, different by design
BUILD_LOGS = ("int_builds_scoped",)
MODEL_SCHEMAS = ("staging", "intermediate", "marts")


def _dbt_args(
    settings: Settings, base: Path, *, full_refresh: bool, tests: bool = False
) -> tuple[list[str], dict[str, str]]:
    """The refresh's ``dbt build`` arguments and environment, artifacts under ``base``;
    with ``tests``, its data tests and the invariant tests, which a refresh leaves to CI
    (D-131): here they read the rows the incremental build wrote, as in a refresh."""
    from orchestration.defs.dbt.assets import INVARIANT_TAG, dbt_build_args
    from orchestration.defs.dbt.incremental import data_tests_env

    args = dbt_build_args("duckdb", full_refresh=full_refresh)
    if tests:
        at = args.index(f"tag:{INVARIANT_TAG}")
        del args[at - 1 : at + 1]
    else:
        args += ["--exclude-resource-type", "test"]
    env = {
        **dbt_env(settings, base / "target", base / "logs"),
        **data_tests_env(full_refresh=full_refresh),  # as the refresh runs its data tests
    }
    return args, env


def _dbt_build(settings: Settings, base: Path, *, full_refresh: bool, tests: bool = False) -> None:
    completed = run_dbt(*_dbt_args(settings, base, full_refresh=full_refresh, tests=tests))
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]


@dataclass
class FullBuild:
    """A full rebuild running in the background, and what it is compared with."""

    step: str
    base: Path
    incremental: Path  # the incremental warehouse as the step left it
    full: Path
    process: subprocess.Popen[bytes]


def _differences(incremental: Path, full: Path) -> list[str]:
    """Tables whose rows differ between the two warehouses (stamps left out)."""
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as ful (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'ful' "
        f"and schema_name in {MODEL_SCHEMAS} and table_name not in {(*BUILD_LOGS, '')} "
        "order by 1, 2"
    ).fetchall()
    assert len(tables) > 80, tables
    found = []
    for schema, table in tables:
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = 'ful' "
            "and schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall()
        select = ", ".join(
            f'round("{name}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
            for name, kind in columns
            if name not in STAMPS
        )
        only = []
        for left, right in (("inc", "ful"), ("ful", "inc")):
            only.append(
                con.execute(
                    f"select count(*) from (select {select} from {left}.{schema}.{table} "
                    f"except all select {select} from {right}.{schema}.{table})"
                ).fetchone()[0]
            )
        if any(only):
            example = con.execute(
                f"select {select} from inc.{schema}.{table} "
                f"except all select {select} from ful.{schema}.{table} limit 2"
            ).fetchall()
            found.append(
                f"{schema}.{table}: {only[0]} rows only incremental, {only[1]} only full; "
                f"e.g. only incremental: {example}"
            )
    con.close()
    return found


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _month_rows(folder: Path, month: str) -> tuple[list[str], list[dict[str, str]]]:
    """The rows of every CSV file of ``folder`` named for ``month`` (YYYY-MM), and the
    header of the first."""
    header: list[str] = []
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob(f"{month}-*.csv")):
        names, found = _csv_rows(path)
        header = header or names
        rows += found
    return header, rows


def _moved(punched_at: str, minutes: int) -> str:
    """``punched_at`` (either landing layout) ``minutes`` later, as ``YYYY-MM-DD HH:MM:SS``."""
    return str(datetime.fromisoformat(punched_at) + timedelta(minutes=minutes))


def _old_tickets(landing: Path, month: str) -> tuple[list[str], list[dict[str, str]]]:
    """The rows of the first CSV tickets file of ``month`` (YYYY-MM)."""
    return _csv_rows(sorted((landing / "tickets").glob(f"{month}-*.csv"))[0])


def _stored_assets(landing: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The header of the first assets file and its assets that no later file sends
    again (their row there is their current version), by asset_id."""
    first, *later = sorted((landing / "assets").glob("*"))
    assert first.suffix == ".csv", first
    header, rows = _csv_rows(first)
    resent: set[str] = set()
    for path in later:
        if path.suffix == ".csv":
            resent |= {row["asset_id"] for row in _csv_rows(path)[1]}
        else:
            query = f"select asset_id from read_parquet('{path}')"
            resent |= {asset_id for (asset_id,) in duckdb.sql(query).fetchall()}
    return header, {row["asset_id"]: row for row in rows if row["asset_id"] not in resent}


def _asset_work_orders(landing: Path) -> dict[str, list[dict[str, str]]]:
    """The work orders of the landing's first two months (CSV files) by the asset they
    name."""
    found: dict[str, list[dict[str, str]]] = {}
    for month in ("2025-02", "2025-03"):
        for row in _month_rows(landing / "tickets", month)[1]:
            if row["asset_id"]:
                found.setdefault(row["asset_id"], []).append(row)
    return found


def _repaired_in(rows: list[dict[str, str]], month: str) -> bool:
    return any(
        row["ticket_type"] in ("repair", "warranty") and row["opened_at"][:7] == month
        for row in rows
    )


class Replay:
    """One build warehouse that receives the deliveries, and its full-refresh twin."""

    def __init__(self, source: Path, base: Path) -> None:
        self.base = base
        self.held_back = base / "held_back"
        self.landing = base / "landing"
        shutil.copytree(source, self.landing)
        shutil.rmtree(self.landing / "_generator", ignore_errors=True)
        for path in sorted(self.landing.glob("*/*")):
            if path.name >= HELD_BACK_FROM:
                target = self.held_back / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                path.rename(target)
        self.as_of: str | None = None
        self.steps = 0
        self.pending: FullBuild | None = None

    def settings(self, name: str) -> Settings:
        return override(
            load_settings(),
            landing_dir=self.landing,
            warehouse_dir=self.base / name / "warehouse",
            serving_dir=self.base / name / "serving",
            as_of=self.as_of,
        )

    def deliver_days(self, *days: str) -> None:
        for path in sorted(self.held_back.glob("*/*")):
            if path.name[:10] in days:
                path.rename(self.landing / path.parent.name / path.name)

    def refresh(self, step: str) -> None:
        """Ingest and build incrementally; then start a full rebuild of a copy, checked
        against the incremental warehouse of this step when the next step (or
        :meth:`check`) waits for it."""
        settings = self.settings("incremental")
        engine_for(settings).ingest()
        first = self.steps == 0
        _dbt_build(settings, self.base / "incremental", full_refresh=first)
        self.steps += 1
        if first:
            return
        self.check()  # one full rebuild at a time
        base = self.base / f"full_{self.steps}"
        full = self.settings(f"full_{self.steps}")
        full.warehouse_dir.mkdir(parents=True)
        shutil.copy2(settings.warehouse_path, full.warehouse_path)
        kept = base / "incremental.duckdb"
        shutil.copy2(settings.warehouse_path, kept)
        args, env = _dbt_args(full, base, full_refresh=True)
        process = start_dbt(args, env, base / "dbt.log")
        self.pending = FullBuild(step, base, kept, full.warehouse_path, process)

    def check(self) -> None:
        """Wait for the running full rebuild; its tables must equal the incremental ones."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        code = pending.process.wait()
        log = (pending.base / "dbt.log").read_text(encoding="utf-8", errors="replace")
        assert code == 0, f"the full rebuild after {pending.step} failed: {log[-6000:]}"
        differences = _differences(pending.incremental, pending.full)
        assert not differences, f"after {pending.step}: {differences}"
        shutil.rmtree(pending.base)

    def stop(self) -> None:
        """End a full rebuild still running (the test failed before waiting for it)."""
        if self.pending is not None and self.pending.process.poll() is None:
            self.pending.process.kill()
            self.pending.process.wait()

    def scope(self) -> tuple:
        """What the last incremental build recomputed: (recompute_from, recompute_reason)."""
        return self.rows(
            "select recompute_from, recompute_reason from intermediate.int_builds_scoped "
            "order by built_at desc limit 1"
        )[0]

    def rows(self, sql: str) -> list[tuple]:
        path = self.settings("incremental").warehouse_path
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql).fetchall()


def test_incremental_refresh_equals_full_refresh(small_landing: Path, tmp_path: Path) -> None:
    replay = Replay(small_landing, tmp_path)
    try:
        replay_deliveries(replay, tmp_path)
    finally:
        replay.stop()


def replay_deliveries(replay: Replay, tmp_path: Path) -> None:
    replay.refresh("first build")  # the first build: everything up to HELD_BACK_FROM

    # new days
    replay.deliver_days("2025-04-14")
    replay.refresh("new days")
    first_day, reason = replay.scope()
    assert first_day is not None, reason  # the daily KPI facts kept their earlier days

    # late versions of old work orders (a status and a delivery time changed), one of
    # them deleted, and a work order of a branch that is not known yet (quarantined)
    header, rows = _old_tickets(replay.landing, "2025-03")
    late = [dict(row, updated_at="2025-04-14 23:00:00") for row in rows[:4]]
    late[0]["delivered_at"] = ""
    late[0]["status"] = "in_progress"
    late[1]["is_deleted"] = "true"
    stranger = dict(rows[4], updated_at="2025-04-14 23:10:00", branch_code="ZZ01")
    stranger["ticket_id"] = "ZZ01-20250414-00001"
    _write_csv(replay.landing / "tickets" / "2025-04-14T230000.csv", header, [*late, stranger])
    # and two assets whose every work order can count otherwise (D-115): one loses its
    # warranty end (its February repairs were in warranty), one is deleted
    asset_header, assets = _stored_assets(replay.landing)
    asset_orders = _asset_work_orders(replay.landing)
    in_february = [a for a in assets if _repaired_in(asset_orders.get(a, []), "2025-02")]
    no_warranty = next(a for a in in_february if assets[a]["warranty_end_on"] >= "2025-03-01")
    deleted = next(a for a in in_february if a != no_warranty)
    _write_csv(
        replay.landing / "assets" / "2025-04-14T230500.csv",
        asset_header,
        [
            dict(assets[no_warranty], warranty_end_on="", updated_at="2025-04-14 23:05:00"),
            dict(assets[deleted], is_deleted="true", updated_at="2025-04-14 23:05:00"),
        ],
    )
    replay.refresh("late versions, a deletion, an unknown branch, two assets")
    assert replay.rows(
        "select count(*) from staging.stg_dms__tickets_quarantine "
        "where ticket_id = 'ZZ01-20250414-00001'"
    ) == [(1,)]

    # the branch arrives: the quarantined work order becomes valid
    branch_header, branches = _csv_rows(sorted((replay.landing / "branches").glob("*.csv"))[0])
    new_branch = dict(branches[0], branch_code="ZZ01", updated_at="2025-04-15 01:00:00")
    _write_csv(replay.landing / "branches" / "2025-04-15T010000.csv", branch_header, [new_branch])
    replay.deliver_days("2025-04-15")
    replay.refresh("the branch arrives")
    assert replay.scope() == (None, "a branch changed (time zone, opening hours, …)")
    assert replay.rows(
        "select count(*) from staging.stg_dms__tickets where ticket_id = 'ZZ01-20250414-00001'"
    ) == [(1,)]

    # a re-sent file (same content, new name: recorded as a duplicate) with the next day
    resent = sorted((replay.landing / "tickets").glob("2025-04-15T02*"))[0]
    shutil.copy2(resent, resent.with_name("2025-04-16T230000" + resent.suffix))
    # and a service contract from 03-15 on for an asset repaired in February and with a
    # work order opened and delivered after that: only work orders opened from 03-15 on
    # can count otherwise, so the assets area does not reach back to February (D-115)
    contracted = next(
        a
        for a in in_february
        if a not in (no_warranty, deleted)
        and not assets[a]["contract_start_on"]
        and any(
            row["opened_at"][:10] >= "2025-03-15" and row["delivered_at"] for row in asset_orders[a]
        )
    )
    contract = dict(
        assets[contracted],
        contract_start_on="2025-03-15",
        contract_end_on="2026-02-28",
        updated_at="2025-04-16 23:15:00",
    )
    _write_csv(replay.landing / "assets" / "2025-04-16T231500.csv", asset_header, [contract])
    replay.deliver_days("2025-04-16")
    replay.refresh("a re-sent file, a service contract")
    [(assets_from,)] = replay.rows(
        "select assets_recompute_from from intermediate.int_builds_scoped "
        "order by built_at desc limit 1"
    )
    first_repair = min(row["opened_at"][:10] for row in asset_orders[contracted])
    assert assets_from is not None and str(assets_from) >= first_repair, (
        assets_from,
        first_repair,
    )

    # late rows that reopen known-outcome windows: a rework of a repair delivered four
    # weeks before (comeback window), a follow-up call six days after a delivery (callback
    # window) and a part line received late (receipt windows)
    header, march = _month_rows(replay.landing / "tickets", "2025-03")
    target = next(
        row
        for row in march
        if row["ticket_type"] in ("repair", "warranty")
        and row["status"] == "delivered"
        and "2025-03-19" <= row["delivered_at"][:10] <= "2025-03-21"
        and not row["rework_of_ticket_id"]
    )
    rework = {name: "" if name.endswith("_at") else value for name, value in target.items()}
    rework.update(
        ticket_id=f"{target['branch_code']}-20250416-99001",
        rework_of_ticket_id=target["ticket_id"],
        opened_at="2025-04-16 10:00:00",
        status="in_progress",
        updated_at="2025-04-16 10:00:00",
    )
    _write_csv(replay.landing / "tickets" / "2025-04-16T233000.csv", header, [rework])
    _, april = _month_rows(replay.landing / "tickets", "2025-04")
    delivered = next(r for r in april if r["delivered_at"][:10] == "2025-04-10")
    call_header, calls = _month_rows(replay.landing / "callbacks", "2025-04")
    call = dict(
        calls[0],
        callback_id=f"{delivered['ticket_id']}-CB9",
        ticket_id=delivered["ticket_id"],
        attempted_at="2025-04-16 09:00:00",
        channel="phone",
        outcome="reached",
        updated_at="2025-04-16 09:05:00",
    )
    _write_csv(replay.landing / "callbacks" / "2025-04-16T233000.csv", call_header, [call])
    line_header, lines = _month_rows(replay.landing / "part_requests", "2025-04")
    pending = next(r for r in lines if r["ordered_at"] and not r["received_at"])
    received = dict(pending, received_at="2025-04-16 08:00:00", updated_at="2025-04-16 23:30:00")
    _write_csv(replay.landing / "part_requests" / "2025-04-16T233000.csv", line_header, [received])
    replay.refresh("late rows in known-outcome windows")
    assert replay.rows(
        "select is_reworked from intermediate.int_tickets_rework_flagged "
        f"where ticket_id = '{target['ticket_id']}'"
    ) == [(True,)]
    callback_id = call["callback_id"]
    assert replay.rows(
        f"select count(*) from staging.stg_dms__callbacks where callback_id = '{callback_id}'"
    ) == [(1,)]
    first_day, _ = replay.scope()
    assert first_day is not None and str(first_day) < "2025-03-21", first_day

    # late punches (int_punches_sequenced recomputes the sequences they are in, from the
    # first touched punch): a job's end deleted, a shift start moved by half an hour, a
    # job start moved to another work order, and a new job inserted before a job already
    # sequenced on the same work order
    punch_header, punches = _month_rows(replay.landing / "time_punches", "2025-03")
    stamp = "2025-04-16 23:40:00"
    job_end = next(p for p in punches if p["punch_type"] == "job_end")
    shift_start = next(p for p in punches if p["punch_type"] == "shift_start")
    moved = next(
        p
        for p in punches
        if p["punch_type"] == "job_start" and p["employee_id"] != job_end["employee_id"]
    )
    other_ticket = next(
        p["ticket_id"]
        for p in punches
        if p["employee_id"] == moved["employee_id"]
        and p["ticket_id"] not in ("", moved["ticket_id"])
    )
    before = next(
        p
        for p in punches
        if p["punch_type"] == "job_start"
        and p["employee_id"] not in (job_end["employee_id"], moved["employee_id"])
    )
    start = datetime.fromisoformat(before["punched_at"])
    late_punches = [
        dict(job_end, is_deleted="true", updated_at=stamp),
        dict(shift_start, punched_at=_moved(shift_start["punched_at"], 30), updated_at=stamp),
        dict(moved, ticket_id=other_ticket, updated_at=stamp),
        dict(
            before,
            punch_id=before["punch_id"] + "-LATE",
            punched_at=str(start - timedelta(minutes=50)),
            updated_at=stamp,
        ),
        dict(
            before,
            punch_id=before["punch_id"] + "-LATE-END",
            punch_type="job_end",
            punched_at=str(start - timedelta(minutes=20)),
            updated_at=stamp,
        ),
    ]
    _write_csv(
        replay.landing / "time_punches" / "2025-04-16T234000.csv", punch_header, late_punches
    )
    replay.refresh("late punches")
    assert replay.rows(
        "select count(*) from intermediate.int_punches_sequenced "
        f"where punch_id = '{job_end['punch_id']}'"
    ) == [(0,)]
    assert replay.rows(
        "select orphan_reason, partner_punch_id from intermediate.int_punches_sequenced "
        f"where punch_id = '{before['punch_id']}-LATE'"
    ) == [(None, before["punch_id"] + "-LATE-END")]
    [(written, held)] = replay.rows(
        "select count(*) filter (where _computed_at = (select max(_computed_at) "
        "from intermediate.int_punches_sequenced)), count(*) "
        "from intermediate.int_punches_sequenced"
    )
    assert 0 < written < held / 10, (written, held)  # the sequences touched, not all

    # no new file and the same as-of time: no known outcome can flip, so the build
    # recomputes from the day before the as-of day only, not the open outcomes (D-118),
    # and flags no work order's rework again (D-132)
    flags = (
        "select max(_computed_at), count(*) filter (where not is_rework_outcome_known) "
        "from intermediate.int_tickets_rework_flagged"
    )
    [(flagged_at, unknown)] = replay.rows(flags)
    replay.refresh("no new file")
    assert replay.rows(flags) == [(flagged_at, unknown)]
    [(first_day, reason, as_of)] = replay.rows(
        "select recompute_from, recompute_reason, as_of from intermediate.int_builds_scoped "
        "order by built_at desc limit 1"
    )
    assert first_day == as_of.date() - timedelta(days=1), (first_day, reason, as_of)

    # the as-of time moves forward over the Labour Day holidays (SLA targets run on the
    # business clock), no new file
    replay.as_of = "2025-05-06 12:00:00"
    replay.refresh("as-of forward")
    # only the work orders whose SLA outcome was still open are measured again (D-100)
    [(written, still_open, held)] = replay.rows(
        "select count(*) filter (where _computed_at = (select max(_computed_at) "
        "from intermediate.int_work_orders_sla_measured)), "
        "count(*) filter (where not (is_response_outcome_known and is_arrival_outcome_known "
        "and is_resolution_outcome_known)), count(*) "
        "from intermediate.int_work_orders_sla_measured"
    )
    assert 0 < written < held / 10 and still_open <= written, (written, still_open, held)
    # the rework flags: only the unknown outcomes whose comeback window ended (D-132)
    [(reflagged, still_unknown)] = replay.rows(
        "select count(*) filter (where _computed_at = (select max(_computed_at) "
        "from intermediate.int_tickets_rework_flagged)), "
        "count(*) filter (where not is_rework_outcome_known) "
        "from intermediate.int_tickets_rework_flagged"
    )
    assert 0 < reflagged == unknown - still_unknown, (reflagged, unknown, still_unknown)

    # a retracted batch, corrected under the same name: the deletion is undone
    replay.as_of = None
    engine_for(replay.settings("incremental")).retract("tickets/2025-04-14T230000.csv", "test")
    corrected = [late[0], *late[2:], stranger]
    _write_csv(replay.landing / "tickets" / "2025-04-14T230000.csv", header, corrected)
    replay.refresh("retracted batch")
    assert replay.rows(
        f"select count(*) from staging.stg_dms__tickets where ticket_id = '{late[1]['ticket_id']}'"
    ) == [(1,)]

    # the last days, and the data tests on the incremental warehouse
    replay.deliver_days("2025-04-17")
    replay.refresh("last day")
    _dbt_build(
        replay.settings("incremental"), tmp_path / "incremental", full_refresh=False, tests=True
    )
    invariants = invariant_results(tmp_path / "incremental" / "target")
    assert len(invariants) == INVARIANT_TEST_COUNT, invariants
    assert set(invariants.values()) == {"pass"}, invariants
    replay.check()
