"""The SQL of the hand-written pass (``hand_pass.py``): one query over the landing files.

Every CSV and Parquet file of a table is read as text (``read_csv`` / ``read_parquet`` file
lists); the columns the four headline KPIs need are parsed; the latest readable version
per key wins (greatest ``updated_at``, then the later file; a winning deletion removes the
key); punches are paired and job time shared as the raw contract says; the result is one
row per KPI, branch and month: numerator, denominator, value.

The two dbt vars the KPIs read (``max_pair_hours``, ``callback_window_days``) come from
``dbt_project.yml``, as dbt reads them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from orchestration.config import PROJECT_DIR
from orchestration.contract import TABLES

DMS_TABLES = tuple(TABLES)  # the raw contract's tables
# codes of the raw contract the pass checks (a row with another code is quarantined)
TICKET_STATUSES = ("open", "in_progress", "waiting_parts", "completed", "delivered", "cancelled")
TICKET_TYPES = ("repair", "maintenance", "warranty", "inspection", "consult")
CHANNELS = ("phone", "sms", "wechat", "letter")
OUTCOMES = ("reached", "no_answer", "voicemail", "letter_sent", "refused", "wrong_number")
# a row of another role is quarantined and never competes as a version: without this check
# a later row with a role the contract does not know took a technician's hours away
ROLES = TABLES["technicians"].spec("role").values


@cache
def dbt_var(name: str) -> int:
    """A numeric var of the dbt project (``dbt_project.yml``)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return int(project["vars"][name])


def _quoted(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _line_end(path: Path) -> str:
    """The file's line end, from its header line: ``\\r\\n`` or ``\\n``."""
    with path.open("rb") as handle:
        first = handle.readline()
    return "\\r\\n" if first.endswith(b"\r\n") else "\\n"


def raw_relation(landing: Path, table: str) -> str:
    """Every file of ``table`` as text: CSV files and Parquet files, unioned by name, with
    the file name (``filename``) for the version order. CSV files are read in one list per
    line end with the contract's dialect (RFC 4180, header row) rather than sniffed: a
    sniffed list takes the first file's dialect for all (DuckDB 1.x fails on mixed line
    ends, and a first file without quotes would leave later files' quotes in the values),
    and sniffing each file (``union_by_name``) costs several times the read."""
    folder = landing / table
    by_line_end: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.csv")):
        by_line_end.setdefault(_line_end(path), []).append(path)
    parquet_files = sorted(folder.glob("*.parquet"))
    parts = [
        f"select * from read_csv({_quoted(files)}, all_varchar = true, header = true, "
        f"delim = ',', quote = '\"', escape = '\"', new_line = '{line_end}', "
        "filename = true)"
        for line_end, files in sorted(by_line_end.items())
    ]
    if parquet_files:
        parts.append(
            f"select columns(*)::varchar from read_parquet({_quoted(parquet_files)}, "
            "union_by_name = true, filename = true)"
        )
    if not parts:
        raise FileNotFoundError(f"no CSV or Parquet file under {folder}")
    return "\n    union all by name\n    ".join(parts)


def hand_pass_sql(landing: Path, as_of: str | None = None) -> str:
    """The whole pass as one query: branch_code, month, kpi_code, numerator, denominator,
    value."""
    raw = {table: raw_relation(landing, table) for table in DMS_TABLES}
    # what every version carries: its time, whether it deletes the key, its file
    version = f"{_ts('updated_at')} as updated_at, {_flag('is_deleted')} as is_deleted, filename"
    as_of_sql = f"timestamp '{as_of}'" if as_of else "(select max(updated_at) from all_updates)"
    raw_ctes = ",\n".join(f"raw_{t} as (\n    {raw[t]}\n)" for t in DMS_TABLES)
    updates = " ".join(
        f"union all select updated_at from parsed_{t}" for t in DMS_TABLES if t != "assets"
    )
    window_s = dbt_var("callback_window_days") * 86400
    pair_s = dbt_var("max_pair_hours") * 3600
    return f"""
with
{raw_ctes},

parsed_branches as (
    select
        nullif(trim(branch_code), '') as branch_code,
        nullif(trim(timezone), '') as timezone,
        {version}
    from raw_branches
),

parsed_technicians as (
    select
        nullif(trim(employee_id), '') as employee_id,
        lower(trim(role)) as role,
        {version}
    from raw_technicians
),

parsed_tickets as (
    select
        nullif(trim(ticket_id), '') as ticket_id,
        nullif(trim(branch_code), '') as branch_code,
        nullif(trim(customer_id), '') as customer_id,
        lower(trim(ticket_type)) as ticket_type,
        lower(trim(status)) as status,
        {_flag("is_internal")} as is_internal,
        {_ts("opened_at")} as opened_at,
        {_ts("work_completed_at")} as work_completed_at,
        {_ts("delivered_at")} as delivered_at,
        try_cast(trim(sold_hours) as decimal(18, 4)) as sold_hours,
        {version}
    from raw_tickets
),

parsed_part_requests as (
    select
        nullif(trim(request_line_id), '') as request_line_id,
        nullif(trim(branch_code), '') as branch_code,
        lower(trim(status)) as status,
        try_cast(trim(qty_requested) as decimal(18, 4)) as qty_requested,
        try_cast(trim(qty_from_stock) as decimal(18, 4)) as qty_from_stock,
        {_ts("requested_at")} as requested_at,
        {version}
    from raw_part_requests
),

parsed_time_punches as (
    select
        nullif(trim(punch_id), '') as punch_id,
        nullif(trim(employee_id), '') as employee_id,
        nullif(trim(branch_code), '') as branch_code,
        lower(trim(punch_type)) as punch_type,
        nullif(trim(ticket_id), '') as ticket_id,
        {_ts("punched_at")} as punched_at,
        {version}
    from raw_time_punches
),

parsed_callbacks as (
    select
        nullif(trim(callback_id), '') as callback_id,
        nullif(trim(ticket_id), '') as ticket_id,
        lower(trim(channel)) as channel,
        lower(trim(outcome)) as outcome,
        {_ts("attempted_at")} as attempted_at,
        try_cast(trim(nps_score) as integer) as nps_score,
        nullif(trim(nps_score), '') is null as nps_score_blank,
        {version}
    from raw_callbacks
),

all_updates as (
    select {_ts("updated_at")} as updated_at from raw_assets
    {updates}
),

branches as (
    {_latest("parsed_branches", "branch_code", "timezone is not null")}
),

technicians as (
    {_latest("parsed_technicians", "employee_id", f"role in {ROLES}")}
),

tickets as (
    {
        _latest(
            "parsed_tickets",
            "ticket_id",
            "customer_id is not null and opened_at is not null and sold_hours >= 0 "
            f"and status in {TICKET_STATUSES} and ticket_type in {TICKET_TYPES} "
            "and coalesce(delivered_at >= opened_at, true) "
            "and coalesce(work_completed_at >= opened_at, true) "
            "and branch_code in (select branch_code from branches)",
        )
    }
),

part_lines as (
    {
        _latest(
            "parsed_part_requests",
            "request_line_id",
            "status is not null and qty_requested is not null and qty_from_stock is not null "
            "and requested_at is not null and branch_code in (select branch_code from branches)",
        )
    }
),

punches as (
    {
        _latest(
            "parsed_time_punches",
            "punch_id",
            "employee_id is not null and punched_at is not null "
            "and punch_type in ('shift_start', 'shift_end', 'job_start', 'job_end') "
            "and (punch_type like 'shift%' or ticket_id is not null) "
            "and branch_code in (select branch_code from branches)",
        )
    }
),

callbacks as (
    {
        _latest(
            "parsed_callbacks",
            "callback_id",
            "ticket_id is not null and attempted_at is not null "
            f"and channel in {CHANNELS} and outcome in {OUTCOMES} "
            "and (nps_score_blank or nps_score between 0 and 10)",
        )
    }
),

-- punches: shifts per employee, jobs per employee and ticket, in absolute time; a start
-- pairs with the next punch when that is an end within max_pair_hours
sequenced as (
    select
        punches.employee_id,
        punches.branch_code,
        punches.ticket_id,
        punches.punched_at,
        split_part(punches.punch_type, '_', 1) as punch_kind,
        punches.punch_type like '%start' as is_start,
        epoch(timezone(branches.timezone, punches.punched_at))::bigint as punched_epoch,
        lead(punches.punch_type like '%start') over sequence_window as next_is_start,
        lead(epoch(timezone(branches.timezone, punches.punched_at))::bigint)
            over sequence_window as next_epoch
    from punches
    inner join branches on punches.branch_code = branches.branch_code
    window sequence_window as (
        partition by
            punches.employee_id,
            split_part(punches.punch_type, '_', 1),
            case when punches.punch_type like 'job%' then punches.ticket_id end
        order by epoch(timezone(branches.timezone, punches.punched_at)), punches.punch_id
    )
),

paired as (
    select
        punch_kind,
        employee_id,
        branch_code,
        cast(punched_at as date) as date_day,
        punched_epoch as start_epoch,
        next_epoch as end_epoch
    from sequenced
    where is_start and not next_is_start and next_epoch - punched_epoch <= {pair_s}
),

-- a job's share: its time with every instant divided by the employee's open jobs
job_boundaries as (
    select employee_id, boundary_epoch, sum(delta) as delta
    from (
        select employee_id, start_epoch as boundary_epoch, 1 as delta from paired
        where punch_kind = 'job'
        union all
        select employee_id, end_epoch, -1 from paired where punch_kind = 'job'
    )
    group by all
),

open_jobs as (
    select employee_id, boundary_epoch,
        sum(delta) over (partition by employee_id order by boundary_epoch) as open_after
    from job_boundaries
),

segments as (
    select employee_id, boundary_epoch,
        coalesce((boundary_epoch - lag(boundary_epoch) over by_time)
            / nullif(lag(open_after) over by_time, 0), 0) as segment_share_seconds
    from open_jobs
    window by_time as (partition by employee_id order by boundary_epoch)
),

shared_time as (
    select employee_id, boundary_epoch,
        sum(segment_share_seconds) over (partition by employee_id order by boundary_epoch)
            as shared_seconds
    from segments
),

technician_time as (
    select
        paired.punch_kind,
        paired.branch_code,
        paired.date_day,
        case
            when paired.punch_kind = 'job' then (at_end.shared_seconds - at_start.shared_seconds)
            else paired.end_epoch - paired.start_epoch
        end / 3600 as hours
    from paired
    inner join technicians
        on paired.employee_id = technicians.employee_id and technicians.role = 'technician'
    left join shared_time as at_start
        on paired.punch_kind = 'job' and paired.employee_id = at_start.employee_id
        and paired.start_epoch = at_start.boundary_epoch
    left join shared_time as at_end
        on paired.punch_kind = 'job' and paired.employee_id = at_end.employee_id
        and paired.end_epoch = at_end.boundary_epoch
),

deliveries as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        tickets.is_internal,
        tickets.sold_hours,
        branches.timezone,
        cast(tickets.delivered_at as date) as date_day,
        epoch(timezone(branches.timezone, tickets.delivered_at))::bigint as delivered_epoch
    from tickets
    inner join branches on tickets.branch_code = branches.branch_code
    where tickets.status <> 'cancelled' and tickets.delivered_at is not null
),

follow_up_outcomes as (
    select
        deliveries.branch_code,
        deliveries.date_day,
        max(case when epoch(timezone(deliveries.timezone, callbacks.attempted_at))
            between deliveries.delivered_epoch and deliveries.delivered_epoch + {window_s}
            then 1 else 0 end) as has_follow_up,
        any_value(epoch(timezone(deliveries.timezone, {as_of_sql}))::bigint)
            >= any_value(deliveries.delivered_epoch) + {window_s} as window_passed
    from deliveries
    left join callbacks
        on deliveries.ticket_id = callbacks.ticket_id
        and callbacks.outcome = 'reached' and callbacks.channel in ('phone', 'wechat')
    where not deliveries.is_internal
    group by deliveries.ticket_id, deliveries.branch_code, deliveries.date_day
),

measures as (
    select 'open_rate' as kpi_code, branch_code, date_day,
        case when punch_kind = 'job' then hours else 0 end as numerator,
        case when punch_kind = 'shift' then hours else 0 end as denominator
    from technician_time
    union all
    select 'labor_efficiency', branch_code, date_day, 0, hours
    from technician_time where punch_kind = 'job'
    union all
    select 'labor_efficiency', branch_code, date_day, sold_hours, 0 from deliveries
    union all
    select 'parts_fill_rate', branch_code, cast(requested_at as date),
        case when qty_from_stock = qty_requested then 1 else 0 end, 1
    from part_lines where status <> 'cancelled'
    union all
    select 'revisit_rate', branch_code, date_day, has_follow_up,
        case when has_follow_up = 1 or window_passed then 1 else 0 end
    from follow_up_outcomes
)

select
    kpi_code,
    branch_code,
    cast(date_trunc('month', date_day) as date) as period_start,
    sum(numerator)::double as numerator,
    sum(denominator)::double as denominator,
    sum(numerator)::double / nullif(sum(denominator)::double, 0) as value
from measures
group by all
order by all
"""


def _ts(column: str) -> str:
    """A local timestamp from text: ``T`` or space, with or without seconds."""
    return f"try_cast(replace(trim({column}), 'T', ' ') as timestamp)"


def _flag(column: str) -> str:
    """A boolean from any accepted spelling; empty is false."""
    return f"coalesce(lower(trim({column})) in ('true', '1', 'y', 'yes', 't'), false)"


def _latest(relation: str, key: str, readable: str) -> str:
    """The winning version per key among readable rows; a winning deletion drops the key."""
    return f"""select * exclude (version_rank) from (
        select *, row_number() over (
            partition by {key} order by updated_at desc, filename desc
        ) as version_rank
        from {relation}
        where {key} is not null and updated_at is not null and {readable}
    )
    where version_rank = 1 and not is_deleted"""
