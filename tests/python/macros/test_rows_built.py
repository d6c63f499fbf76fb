"""A refresh's incremental build tests the rows it wrote (macros/tests/rows_built.sql,
D-098): with AFTERSALES_TEST_ROWS_BUILT=true a ``dbt build`` of an incremental staging
model runs its contract test on the rows stamped with that build, so a bad row the build
writes fails it and an old row it did not touch is not read again; without it (a full
refresh, ``dbt test``) every row is read."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from build_copy import copy_build, execute, read_only
from dbt_cli import dbt_env, run_dbt

from orchestration.config import load_settings, override
from orchestration.defs.dbt.incremental import data_tests_env

MODEL = "stg_dms__callbacks"


@pytest.fixture(scope="module")
def dbt_dirs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's one warehouse path and dbt folders (a target per kind of build). dbt
    parses the whole project again when the profile's warehouse path changes (about 12 s
    a run), and only what changed when it stays: every test here builds at one path."""
    return tmp_path_factory.mktemp("rows_built")


@pytest.fixture
def warehouse_dir(refreshed: SimpleNamespace, dbt_dirs: Path) -> Path:
    """A fresh writable copy of the refreshed build, at the module's one warehouse path."""
    directory = dbt_dirs / "warehouse"
    shutil.rmtree(directory, ignore_errors=True)
    return copy_build(refreshed, directory)


def _build(
    warehouse_dir: Path,
    base: Path,
    *,
    rows_built: bool,
    select: str = MODEL,
    test: str = "dms_contract_stg_dms__callbacks",
    exclude: str = "",
) -> tuple[int, str, str]:
    """``dbt build`` of ``select`` and its data tests: exit code, output, and the SQL that
    the data test ``test`` ran."""
    settings = override(load_settings(), warehouse_dir=warehouse_dir)
    target = base / f"target_{rows_built}"
    # the SQL of this run's data tests only; the rest stays for dbt's partial parsing
    shutil.rmtree(target / "run", ignore_errors=True)
    env = {
        **dbt_env(settings, target, base / "logs"),
        **data_tests_env(full_refresh=not rows_built),
    }
    args = ["build", "--target", "duckdb", "--select", *select.split()]
    if exclude:
        args += ["--exclude", *exclude.split()]
    completed = run_dbt([*args, "--exclude-resource-type", "unit_test"], env)
    ran = sorted(target.glob(f"run/**/{test}*.sql"))
    sql = ran[0].read_text(encoding="utf-8") if ran else ""
    return completed.returncode, completed.stdout + completed.stderr, sql


def test_an_incremental_build_tests_the_rows_it_wrote_and_not_the_others(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    # an old current row breaks the contract (no channel): no build wrote it
    execute(
        warehouse_dir,
        f"update staging.{MODEL} set channel = null where callback_id = "
        f"(select min(callback_id) from staging.{MODEL})",
    )
    code, output, sql = _build(warehouse_dir, dbt_dirs, rows_built=True)
    assert code == 0, output[-3000:]
    assert '"_resolved_at" = cast(' in sql, sql
    code, output, sql = _build(warehouse_dir, dbt_dirs, rows_built=False)
    assert code == 1 and "dms_contract_stg_dms__callbacks" in output, output[-3000:]
    assert "_resolved_at" not in sql, sql

    # the next build resolves a new call whose parsed row has no channel: it is tested
    execute(warehouse_dir, f"update staging.{MODEL} set channel = 'phone' where channel is null")
    execute(
        warehouse_dir,
        "insert into staging.base_dms__callbacks "
        "select * replace (callback_id || '-late' as callback_id, null as channel, "
        "'late.csv' as _source_file, cast(now() as timestamp) as _staged_at) "
        "from staging.base_dms__callbacks where _quarantine_reason is null limit 1",
    )
    code, output, sql = _build(warehouse_dir, dbt_dirs, rows_built=True)
    assert code == 1 and "dms_contract_stg_dms__callbacks" in output, output[-3000:]
    assert '"_resolved_at" = cast(' in sql, sql


def test_an_incremental_build_tests_the_kpi_days_it_recomputed(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    kpi = {"select": "int_builds_scoped int_kpi_nps_daily", "test": "kpi_interface_int_kpi_nps"}
    code, output, sql = _build(warehouse_dir, dbt_dirs, rows_built=True, **kpi)
    assert code == 0, output[-3000:]
    assert 'int_kpi_nps_daily" where ( date_day >= cast(' in " ".join(sql.split()), sql
    code, output, sql = _build(warehouse_dir, dbt_dirs, rows_built=False, **kpi)
    assert code == 0, output[-3000:]
    assert "date_day >=" not in sql and "int_kpi_nps_daily" in sql, sql


def _read_only_by_a_full_build(
    warehouse_dir: Path, dbt_dirs: Path, build: dict[str, str]
) -> tuple[str, str]:
    """An old bad row that no build touches: the refresh's incremental build of
    ``build['select']`` passes ``build['test']``, a full one fails it. The SQL the test
    ran in each."""
    code, output, incremental_sql = _build(warehouse_dir, dbt_dirs, rows_built=True, **build)
    assert code == 0, output[-3000:]
    code, output, full_sql = _build(warehouse_dir, dbt_dirs, rows_built=False, **build)
    assert code == 1 and f"Failure in test {build['test']}" in output, output[-3000:]
    return incremental_sql, full_sql


def test_an_incremental_build_tests_the_fact_keys_it_rewrote(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """fct_work_orders is rewritten per key and has no build stamp (it is served): its
    data tests read the keys the build rewrote (D-120)."""
    facts = {"select": "fct_work_orders", "test": "unique_fct_work_orders_ticket_id"}
    # an old work order of no new file is there twice
    execute(
        warehouse_dir,
        "insert into marts.fct_work_orders select * from marts.fct_work_orders "
        "where ticket_id = (select min(ticket_id) from marts.fct_work_orders)",
    )
    incremental_sql, full_sql = _read_only_by_a_full_build(warehouse_dir, dbt_dirs, facts)
    flat = " ".join(incremental_sql.split()).replace("( ", "(")
    assert '("ticket_id" in (select ticket_id from ' in flat and "_computed_at = cast(" in flat
    assert "_computed_at" not in full_sql, full_sql

    # a work order whose SLA outcome is still open is measured again in every build, so
    # fct_work_orders rewrites it: a second row of it there fails the test
    with read_only(warehouse_dir) as con:
        (open_ticket,) = con.execute(
            "select min(ticket_id) from intermediate.int_work_orders_sla_measured "
            "where not is_resolution_outcome_known"
        ).fetchone()
    assert open_ticket is not None
    # (the old duplicate goes: only the new one may fail the test)
    execute(
        warehouse_dir,
        "delete from marts.fct_work_orders "
        "where ticket_id = (select min(ticket_id) from marts.fct_work_orders)",
    )
    execute(
        warehouse_dir,
        "insert into staging.stg_dms__tickets select * from staging.stg_dms__tickets "
        f"where ticket_id = '{open_ticket}'",
    )
    code, output, _ = _build(
        warehouse_dir,
        dbt_dirs,
        rows_built=True,
        select="int_work_orders_sla_measured fct_work_orders",
        exclude="int_work_orders_sla_measured,resource_type:test",
        test="unique_fct_work_orders_ticket_id",
    )
    assert code == 1 and "Failure in test unique_fct_work_orders_ticket_id" in output, output
    with read_only(warehouse_dir) as con:
        written = con.execute(
            "select ticket_id from marts.fct_work_orders group by ticket_id having count(*) > 1"
        ).fetchall()
    assert written == [(open_ticket,)], written  # the open work order, written again twice


def test_an_incremental_build_tests_the_pairs_of_the_punches_it_sequenced(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """int_jobs_paired, a view of int_punches_sequenced, carries its stamp: the data tests
    of an incremental build read the jobs whose start punch that build sequenced (D-128)."""
    # an old job that no build touches loses its end
    execute(
        warehouse_dir,
        "update intermediate.int_punches_sequenced set partner_punch_id = null where punch_id = "
        "(select min(punch_id) from intermediate.int_punches_sequenced "
        "where punch_type = 'job_start' and orphan_reason is null)",
    )
    jobs = {
        "select": "int_punches_sequenced not_null_int_jobs_paired_end_punch_id",
        "test": "not_null_int_jobs_paired_end_punch_id",
        # the pairing's own checks fail on that job too, and dbt then skips this one
        "exclude": "assert_punch_partners_name_each_other assert_every_punch_paired_or_orphaned",
    }
    incremental_sql, full_sql = _read_only_by_a_full_build(warehouse_dir, dbt_dirs, jobs)
    assert '"_computed_at" = cast(' in incremental_sql, incremental_sql
    assert "_computed_at" not in full_sql, full_sql


def _first_and_last_shift_punch(warehouse_dir: Path, skip: str = "") -> tuple[str, str, str]:
    """An employee with at least two paired shifts (not ``skip``): the employee, the
    start punch of his first shift and his last shift punch."""
    with read_only(warehouse_dir) as con:
        return con.execute(
            "select employee_id, "
            "arg_min(punch_id, punched_epoch) filter (where punch_edge = 'start'), "
            "arg_max(punch_id, punched_epoch) "
            "from intermediate.int_punches_sequenced "
            "where punch_kind = 'shift' and partner_punch_id is not null and employee_id <> ? "
            "group by employee_id having count(*) >= 4 order by employee_id limit 1",
            [skip],
        ).fetchone()


def _untouched_punch_names_itself(
    warehouse_dir: Path, base: Path, punch_id: str, selection: dict[str, str]
) -> None:
    """``punch_id``, which no build touches, names itself as its partner: the incremental
    build of ``selection`` (``_build``'s arguments: a labour model and one of its tests)
    does not read it again, a full read fails on it in that test."""
    execute(
        warehouse_dir,
        "update intermediate.int_punches_sequenced set partner_punch_id = punch_id "
        f"where punch_id = '{punch_id}'",
    )
    code, output, sql = _build(warehouse_dir, base, rows_built=True, **selection)
    assert code == 0, output[-3000:]
    assert "_computed_at = cast(" in sql, sql
    code, output, sql = _build(warehouse_dir, base, rows_built=False, **selection)
    assert code == 1 and f"Failure in test {selection['test']}" in output, output[-3000:]
    assert "_computed_at" not in sql, sql


def test_an_incremental_build_tests_the_punches_it_can_have_changed(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    labour = {
        "select": "int_punches_sequenced assert_every_punch_paired_or_orphaned",
        "test": "assert_every_punch_paired_or_orphaned",
        # the partner test fails on these punches too, and dbt then skips this one
        "exclude": "assert_punch_partners_name_each_other",
    }
    # an old shift start that no build touches names itself as its partner
    untouched, first, _ = _first_and_last_shift_punch(warehouse_dir)
    _untouched_punch_names_itself(warehouse_dir, dbt_dirs, first, labour)

    # another employee's old first shift start now names his last shift punch, and a
    # version of that last punch arrives again: the build re-sequences the last shift
    # (not the first), and the test, checking the last punch, counts the old shift's
    # claim on it as well as the new one's
    _, first, last = _first_and_last_shift_punch(warehouse_dir, skip=untouched)
    execute(
        warehouse_dir,
        f"update intermediate.int_punches_sequenced set partner_punch_id = '{last}' "
        f"where punch_id = '{first}'",
    )
    _punch_arrives_again(warehouse_dir, last, "late.csv")
    code, output, _ = _build(warehouse_dir, dbt_dirs, rows_built=True, **labour)
    assert code == 1, output[-3000:]
    assert "Failure in test assert_every_punch_paired_or_orphaned" in output, output[-3000:]
    with read_only(warehouse_dir) as con:
        rewritten = con.execute(
            "select punch_id, _computed_at > (select min(_computed_at) "
            "from intermediate.int_punches_sequenced) "
            "from intermediate.int_punches_sequenced where punch_id in (?, ?) order by 2",
            [first, last],
        ).fetchall()
    assert rewritten == [(first, False), (last, True)], rewritten


def test_an_incremental_build_tests_the_sold_hours_splits_it_can_have_changed(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    split = {
        "select": "int_sold_hours_allocated assert_sold_hours_split_weights_sum_to_one",
        "test": "assert_sold_hours_split_weights_sum_to_one",
    }
    # an old split that no build touches no longer adds up to one
    execute(
        warehouse_dir,
        "update intermediate.int_sold_hours_allocated set allocation_weight = 0.5 "
        "where ticket_id = (select min(ticket_id) from intermediate.int_sold_hours_allocated)",
    )
    incremental_sql, full_sql = _read_only_by_a_full_build(warehouse_dir, dbt_dirs, split)
    assert "_computed_at = cast(" in incremental_sql and "_staged_at = cast(" in incremental_sql
    assert "_computed_at" not in full_sql, full_sql


JOB_SHARES_TEST = "assert_job_shares_add_up_to_union_of_job_time"


def _last_near_and_far_jobs(warehouse_dir: Path) -> tuple[str, str, str]:
    """An employee's last job's end punch, a job of his ending in the max_pair_hours (16)
    before the last job starts, and a job of his starting before every busy period that
    holds a job ending in that stretch."""
    with read_only(warehouse_dir) as con:
        return con.execute(
            """
            with shares as (select * from intermediate.int_job_shares_allocated),
            last_jobs as (
                select employee_id, arg_max(end_punch_id, start_epoch) as end_punch_id,
                    max(start_epoch) as last_start, max(start_epoch) - 16 * 3600 as reach
                from shares group by employee_id
            ),
            near as (
                select shares.employee_id, min(shares.job_id) as job_id
                from shares inner join last_jobs using (employee_id)
                where shares.end_epoch >= last_jobs.reach
                    and shares.end_epoch < last_jobs.last_start
                group by shares.employee_id
            ),
            reached as (
                select shares.employee_id, min(shares.busy_from_epoch) as from_epoch
                from shares inner join last_jobs using (employee_id)
                where shares.end_epoch >= last_jobs.reach
                group by shares.employee_id
            ),
            far as (
                select shares.employee_id, min(shares.job_id) as job_id
                from shares inner join reached using (employee_id)
                where shares.start_epoch < reached.from_epoch
                group by shares.employee_id
            )
            select last_jobs.end_punch_id, near.job_id, far.job_id
            from last_jobs
            inner join near using (employee_id)
            inner join far using (employee_id)
            order by last_jobs.employee_id
            limit 1
            """
        ).fetchone()


def _punch_arrives_again(warehouse_dir: Path, punch_id: str, file_name: str) -> None:
    """A version of ``punch_id`` arrives again, in ``file_name``."""
    execute(
        warehouse_dir,
        "insert into staging.base_dms__time_punches "
        f"select * replace ('{file_name}' as _source_file, cast(now() as timestamp) "
        f"as _staged_at) from staging.base_dms__time_punches where punch_id = '{punch_id}' "
        "and _quarantine_reason is null limit 1",
    )


def _share_scaled(warehouse_dir: Path, job_id: str, factor: float) -> None:
    """``job_id``'s share times ``factor`` (a half stays within the job's duration, which
    assert_labour_pairs_within_max_hours checks on every row)."""
    execute(
        warehouse_dir,
        f"update intermediate.int_job_shares_allocated set share_hours = share_hours * {factor} "
        f"where job_id = '{job_id}'",
    )


def test_an_incremental_build_tests_the_busy_periods_it_can_have_changed(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """assert_job_shares_add_up_to_union_of_job_time reads, per employee the build can
    have changed, the busy periods from the first one that holds a job ending within
    max_pair_hours of a punch it re-sequenced (D-122), not all his jobs."""
    shares = {
        "select": f"int_punches_sequenced int_job_shares_allocated {JOB_SHARES_TEST}",
        "test": JOB_SHARES_TEST,
    }
    last_end, near, far = _last_near_and_far_jobs(warehouse_dir)
    # an old share of a busy period before the reach of the late punch no longer adds up
    _share_scaled(warehouse_dir, far, 0.5)
    _punch_arrives_again(warehouse_dir, last_end, "late.csv")
    incremental_sql, full_sql = _read_only_by_a_full_build(warehouse_dir, dbt_dirs, shares)
    assert "inner join periods_built" in incremental_sql, incremental_sql
    assert "_computed_at = cast(" in incremental_sql, incremental_sql
    assert "inner join periods_built" not in full_sql, full_sql

    # the same employee's last job end arrives again; a job of his that ends within
    # max_pair_hours before the last job starts keeps its row (the build rewrites the jobs
    # from the last one on) but its busy period is read: its wrong share fails the test
    _share_scaled(warehouse_dir, far, 2.0)
    _share_scaled(warehouse_dir, near, 0.5)
    _punch_arrives_again(warehouse_dir, last_end, "late-again.csv")
    code, output, _ = _build(warehouse_dir, dbt_dirs, rows_built=True, **shares)
    assert code == 1 and f"Failure in test {JOB_SHARES_TEST}" in output, output[-3000:]
    with read_only(warehouse_dir) as con:
        kept = con.execute(
            "select count(*) from intermediate.int_job_shares_allocated where job_id = ? "
            "and _computed_at < (select max(_computed_at) "
            "from intermediate.int_job_shares_allocated)",
            [near],
        ).fetchone()
    assert kept == (1,), kept  # the build did not rewrite it: the test read it anyway


def _last_two_shifts(warehouse_dir: Path) -> tuple[str, str, str]:
    """An employee whose last shift start follows his previous shift's end: the start of
    that previous shift, its end and the last shift's start."""
    with read_only(warehouse_dir) as con:
        return con.execute(
            "with shift_punches as ("
            "  select employee_id, punch_id, punch_edge, partner_punch_id, orphan_reason, "
            "    lag(punch_id) over by_time as previous_punch_id, "
            "    row_number() over (partition by employee_id "
            "      order by punched_epoch desc, punch_id desc) as from_last "
            "  from intermediate.int_punches_sequenced "
            "  where punch_kind = 'shift' and punched_epoch is not null "
            "  window by_time as (partition by employee_id order by punched_epoch, punch_id)) "
            "select previous_ends.partner_punch_id, previous_ends.punch_id, last_starts.punch_id "
            "from shift_punches as last_starts "
            "inner join shift_punches as previous_ends "
            "  on last_starts.previous_punch_id = previous_ends.punch_id "
            "where last_starts.punch_edge = 'start' and last_starts.from_last = 2 "
            "  and last_starts.orphan_reason is null "
            "  and previous_ends.punch_edge = 'end' and previous_ends.orphan_reason is null "
            "order by last_starts.employee_id limit 1"
        ).fetchone()


def test_an_incremental_build_looks_up_the_partners_it_did_not_write(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """``assert_punch_partners_name_each_other`` checks, in an incremental build, the
    punches the build can have changed (D-098) against their partners, wherever those
    are. A late version of an employee's last shift start re-sequences it and the punch
    before it (D-099), the previous shift's end, whose partner, that shift's start, the
    build does not write: when that start names another punch, the test finds it."""
    mutual = {
        "select": "int_punches_sequenced assert_punch_partners_name_each_other",
        "test": "assert_punch_partners_name_each_other",
    }
    previous_start, previous_end, last_start = _last_two_shifts(warehouse_dir)
    # nothing arrived: the old pair is not checked again, but a full read finds it
    _untouched_punch_names_itself(warehouse_dir, dbt_dirs, previous_start, mutual)

    _punch_arrives_again(warehouse_dir, last_start, "late.csv")
    code, output, _ = _build(warehouse_dir, dbt_dirs, rows_built=True, **mutual)
    assert code == 1 and "Failure in test assert_punch_partners_name_each_other" in output
    with read_only(warehouse_dir) as con:
        rewritten = con.execute(
            "select punch_id, _computed_at = (select max(_computed_at) "
            "from intermediate.int_punches_sequenced) "
            "from intermediate.int_punches_sequenced where punch_id in (?, ?, ?) order by 2, 1",
            [previous_start, previous_end, last_start],
        ).fetchall()
    assert rewritten == [
        (previous_start, False),
        *sorted([(previous_end, True), (last_start, True)]),
    ], rewritten


PAIRING_TESTS = ("assert_every_punch_paired_or_orphaned", "assert_punch_partners_name_each_other")


def _pairing_test_fails(warehouse_dir: Path, dbt_dirs: Path, test: str) -> bool:
    """Run one singular labour test alone on ``warehouse_dir`` (every row); whether it
    failed."""
    code, output, _ = _build(warehouse_dir, dbt_dirs, rows_built=False, select=test, test=test)
    assert code in (0, 1), output[-3000:]
    assert (code == 1) == (f"Failure in test {test}" in output), output[-3000:]
    return code == 1


def test_the_pairings_type_and_partner_checks_each_fail_on_what_they_check(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """The checks of the old one-query labour test, two tests since D-114: a paired punch
    whose type is not its place's fails ``assert_every_punch_paired_or_orphaned`` only;
    a partner that does not name the punch back fails
    ``assert_punch_partners_name_each_other``. Each runs alone: in ``dbt build`` a failed
    test skips the nodes after the models it tests, the other check among them."""
    placed, mutual = PAIRING_TESTS
    fails = partial(_pairing_test_fails, warehouse_dir, dbt_dirs)
    assert not fails(placed) and not fails(mutual)
    with read_only(warehouse_dir) as con:
        start, end = con.execute(
            "select job_id, end_punch_id from intermediate.int_jobs_paired order by job_id limit 1"
        ).fetchone()
        other = con.execute(
            "select min(punch_id) from intermediate.int_punches_sequenced "
            "where punch_id not in (?, ?)",
            [start, end],
        ).fetchone()[0]
    # the job's start punch is now of the end's type
    execute(
        warehouse_dir,
        f"update staging.stg_dms__time_punches set punch_type = 'job_end' "
        f"where punch_id = '{start}'",
    )
    assert fails(placed) and not fails(mutual)
    # and its end names another punch as its partner
    execute(
        warehouse_dir,
        f"update intermediate.int_punches_sequenced set partner_punch_id = '{other}' "
        f"where punch_id = '{end}'",
    )
    assert fails(mutual)


def test_the_pairings_checks_fail_on_what_two_trimmed_generic_tests_checked(
    warehouse_dir: Path, dbt_dirs: Path
) -> None:
    """D-117 dropped two generic tests that re-proved the pairing's singular tests: a
    ``relationships`` test (a partner is a punch of the table) and ``unique`` on
    ``int_jobs_paired.end_punch_id``. A partner that is no punch fails
    ``assert_punch_partners_name_each_other`` (and not the placement check); two jobs that
    end on one punch fail ``assert_every_punch_paired_or_orphaned``."""
    placed, mutual = PAIRING_TESTS
    fails = partial(_pairing_test_fails, warehouse_dir, dbt_dirs)
    with read_only(warehouse_dir) as con:
        (first_start, first_end), (second_start, second_end) = con.execute(
            "select job_id, end_punch_id from intermediate.int_jobs_paired order by job_id limit 2"
        ).fetchall()
    # a job end names a punch that is not in the table
    execute(
        warehouse_dir,
        "update intermediate.int_punches_sequenced set partner_punch_id = 'no-such-punch' "
        f"where punch_id = '{second_end}'",
    )
    assert fails(mutual) and not fails(placed)
    # the second job now ends on the first job's end punch: end_punch_id is not unique
    execute(
        warehouse_dir,
        f"update intermediate.int_punches_sequenced set partner_punch_id = '{first_end}' "
        f"where punch_id = '{second_start}'",
    )
    with read_only(warehouse_dir) as con:
        ends = con.execute(
            "select count(*) from intermediate.int_jobs_paired where end_punch_id = ?",
            [first_end],
        ).fetchone()[0]
    assert ends == 2 and first_start != second_start
    assert fails(placed)
