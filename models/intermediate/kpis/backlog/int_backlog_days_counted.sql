{#- Backlog snapshots (doc block int_backlog_days_counted; unit test
    unit_backlog_days_counted_snapshots). One row per branch, branch-local day and
    backlog measure (`backlog_open` and every row of the backlog_age_buckets seed), for
    every day from the date of the branch's first valid ticket up to the last day whose
    end lies at or before as_of, zeros included.

    At the end E of a day (the next local midnight) a valid ticket (status <>
    'cancelled') is open when opened_at <= E and (delivered_at is null or delivered_at
    > E); its age is the absolute time from opened_at to E (local_to_epoch in the
    branch's zone, DST-correct). It counts in a backlog_over_* measure when its age is
    strictly greater than the bucket's min_age_hours. Everything is recomputed from the
    tickets' history, so any past day can be rebuilt.

    Incremental on DuckDB like the daily KPI facts (kpi_days_incremental): a build
    computes the days from int_builds_scoped.recompute_from on, reading only the work
    orders still open at the start of that day. A day before it cannot change: every
    version of a touched work order is dated on or after recompute_from, and a work order
    counts only on days at or after its opened date. -#}
{{ kpi_days_incremental() }}
{%- set scope = kpi_scope() %}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

age_buckets as (
    select * from {{ ref('backlog_age_buckets') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

valid_tickets as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        branches.timezone,
        tickets.opened_at,
        tickets.delivered_at
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where tickets.status <> 'cancelled'
),

branch_first_days as (
    select
        branch_code,
        min(cast(opened_at as date)) as first_day
    from valid_tickets
    group by branch_code
),

{#- the work orders that can be open at the end of a computed day: in an incremental
    build, those not delivered before its first day -#}
counted_tickets as (
    select
        valid_tickets.ticket_id,
        valid_tickets.branch_code,
        {{ local_to_epoch('valid_tickets.opened_at', 'valid_tickets.timezone') }} as opened_epoch,
        {{ local_to_epoch('valid_tickets.delivered_at', 'valid_tickets.timezone') }} as delivered_epoch
    from valid_tickets
    {%- if scope is not none %}
    where valid_tickets.delivered_at is null
        or valid_tickets.delivered_at >= cast('{{ scope['facts'] }}' as {{ type_local_timestamp() }})
    {%- endif %}
),

day_bounds as (
    select
        (select min(first_day) from branch_first_days) as first_day,
        cast(as_of.as_of as date) as last_day
    from as_of
),

spine as (
    {{ kpi_date_spine(
        '(select first_day from day_bounds)',
        '(select last_day from day_bounds)'
    ) }}
),

days as (
    select date_day from spine
    {{ kpi_recomputed('date_day', code='backlog_open', scope=scope) }}
),

branch_days as (
    select
        branch_first_days.branch_code,
        days.date_day,
        cast({{ dbt.dateadd('day', 1, 'days.date_day') }} as {{ type_local_timestamp() }}) as snapshot_at,
        {{ local_to_epoch(
            'cast(' ~ dbt.dateadd('day', 1, 'days.date_day') ~ ' as ' ~ type_local_timestamp() ~ ')',
            'branches.timezone'
        ) }} as snapshot_epoch,
        {{ local_to_epoch('as_of.as_of', 'branches.timezone') }} as as_of_epoch
    from branch_first_days
    inner join branches
        on branch_first_days.branch_code = branches.branch_code
    inner join days
        on days.date_day >= branch_first_days.first_day
    cross join as_of
),

snapshot_days as (
    select
        branch_code,
        date_day,
        snapshot_at,
        snapshot_epoch
    from branch_days
    where snapshot_epoch <= as_of_epoch
),

open_tickets as (
    select
        snapshot_days.branch_code,
        snapshot_days.date_day,
        snapshot_days.snapshot_epoch - counted_tickets.opened_epoch as age_seconds
    from snapshot_days
    inner join counted_tickets
        on snapshot_days.branch_code = counted_tickets.branch_code
        and counted_tickets.opened_epoch <= snapshot_days.snapshot_epoch
        and (
            counted_tickets.delivered_epoch is null
            or counted_tickets.delivered_epoch > snapshot_days.snapshot_epoch
        )
),

measures as (
    select
        'backlog_open' as kpi_code,
        cast(null as integer) as min_age_hours
    union all
    select
        kpi_code,
        min_age_hours
    from age_buckets
),

open_counts as (
    select
        open_tickets.branch_code,
        open_tickets.date_day,
        measures.kpi_code,
        count(*) as open_tickets
    from open_tickets
    inner join measures
        on measures.min_age_hours is null
        or open_tickets.age_seconds > measures.min_age_hours * 3600
    group by
        open_tickets.branch_code,
        open_tickets.date_day,
        measures.kpi_code
),

final as (
    select
        snapshot_days.branch_code,
        snapshot_days.date_day,
        snapshot_days.snapshot_at,
        measures.kpi_code,
        measures.min_age_hours,
        coalesce(open_counts.open_tickets, 0) as open_tickets
    from snapshot_days
    cross join measures
    left join open_counts
        on snapshot_days.branch_code = open_counts.branch_code
        and snapshot_days.date_day = open_counts.date_day
        and measures.kpi_code = open_counts.kpi_code
)

select * from final
