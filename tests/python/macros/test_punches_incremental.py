"""The labour pairing's incremental build (macros/labour/punches_incremental.sql, D-099,
D-128) writes the rows a full build of the same punches writes, also where what it reads
is found by comparisons instead of joins: a branch west of UTC, whose local times lie
before the epochs the build reads from, and a touched punch that cannot be sequenced,
older than every recomputed sequence."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

from build_copy import copy_build, execute, read_only
from dbt_cli import dbt_env, run_dbt

from orchestration.config import load_settings, override

PAIRING = "intermediate.int_punches_sequenced"


def _run(warehouse_dir: Path, base: Path, select: str, *, full_refresh: bool) -> None:
    """``dbt run`` of ``select`` on ``warehouse_dir``; fails the test when it fails."""
    settings = override(load_settings(), warehouse_dir=warehouse_dir)
    env = dbt_env(settings, base / "target", base / "logs")
    args = ["run", "--target", "duckdb", "--select", *select.split()]
    completed = run_dbt([*args, "--full-refresh"] if full_refresh else args, env)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]


def _late_versions(warehouse_dir: Path) -> tuple[str, str]:
    """A late file: a version of the last shift start of the employee with the most
    shifts, 30 minutes earlier (the build re-reads the shift before it); and a new punch,
    a copy of his first job start without a work order (``job_punch_without_ticket``, in
    no sequence), long before anything else the build recomputes. Returns the shift
    start's punch id and the new punch's."""
    with read_only(warehouse_dir) as con:
        shift_start, job_start = con.execute(
            f"""
            with busiest as (
                select employee_id from {PAIRING}
                where punch_kind = 'shift' and partner_punch_id is not null
                group by employee_id order by count(*) desc, employee_id limit 1
            )
            select
                arg_max(punch_id, punched_epoch) filter (
                    where punch_type = 'shift_start' and partner_punch_id is not null
                ),
                arg_min(punch_id, punched_epoch) filter (where punch_type = 'job_start')
            from {PAIRING}
            where employee_id = (select employee_id from busiest)
            """
        ).fetchone()
    assert shift_start and job_start, (shift_start, job_start)
    execute(
        warehouse_dir,
        f"""
        insert into staging.base_dms__time_punches
        select * replace (
            'late_punches.csv' as _source_file,
            cast(now() as timestamp) as _staged_at,
            updated_at + interval 1 day as updated_at,
            case when punch_id = '{shift_start}' then punch_id
                else punch_id || '-NO-TICKET' end as punch_id,
            case when punch_id = '{shift_start}' then punched_at - interval 30 minute
                else punched_at end as punched_at,
            case when punch_id = '{shift_start}' then ticket_id end as ticket_id
        )
        from staging.base_dms__time_punches
        where punch_id in ('{shift_start}', '{job_start}') and _quarantine_reason is null
        qualify row_number() over (partition by punch_id order by updated_at desc) = 1
        """,
    )
    return shift_start, job_start + "-NO-TICKET"


def _pairing(warehouse_dir: Path) -> list[tuple]:
    with read_only(warehouse_dir) as con:
        return con.execute(
            f"select * exclude (_computed_at) from {PAIRING} order by punch_id"
        ).fetchall()


def test_a_late_batch_west_of_utc_is_paired_as_a_full_build_pairs_it(
    refreshed: SimpleNamespace, tmp_path: Path
) -> None:
    incremental = copy_build(refreshed, tmp_path / "incremental")
    # every branch eleven hours west of UTC, the pairing rebuilt with it
    execute(incremental, "update staging.stg_dms__branches set timezone = 'Pacific/Pago_Pago'")
    _run(incremental, tmp_path, "int_punches_sequenced", full_refresh=True)
    shift_start, no_ticket = _late_versions(incremental)

    _run(incremental, tmp_path, "stg_dms__time_punches int_punches_sequenced", full_refresh=False)
    with read_only(incremental) as con:
        rewritten, held = con.execute(
            f"select count(*) filter (where _computed_at = (select max(_computed_at) "
            f"from {PAIRING})), count(*) from {PAIRING}"
        ).fetchone()
        [(reason,)] = con.execute(
            f"select orphan_reason from {PAIRING} where punch_id = ?", [no_ticket]
        ).fetchall()
    assert 0 < rewritten < held / 2, (rewritten, held)  # incremental: not every punch
    assert reason == "job_punch_without_ticket", reason

    full = tmp_path / "full"
    shutil.copytree(incremental, full)
    _run(full, tmp_path, "int_punches_sequenced", full_refresh=True)
    expected = _pairing(full)
    assert any(row[0] == shift_start for row in expected), shift_start
    assert _pairing(incremental) == expected
