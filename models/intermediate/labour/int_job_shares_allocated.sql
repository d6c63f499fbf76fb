{#- Each job's share of its employee's clocked time: the job's duration with every instant
    divided by the number of that employee's jobs open at that instant.

    Computed without range joins: per employee, the start and end instants of all his jobs
    are boundaries; a running sum of +1 (start) / -1 (end) gives the number of open jobs on
    each segment between consecutive boundaries; a running sum W of
    segment_seconds / open_jobs gives the shared time up to each boundary; a job's share is
    W(end) - W(start), found with equality joins on (employee_id, boundary).

    W runs per busy period (busy_from_epoch: the boundary where the employee's previous
    segment had no job open), not over all history: a job's share is then computed from
    its period's rows only, the same doubles in an incremental build (which recomputes the
    jobs ending from each employee's first changed job on,
    macros/labour/job_shares_incremental.sql, D-099) as in a full one. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        '{{ job_shares_all_hook() }}',
        '{{ job_shares_changed_hook() }}',
        '{{ job_shares_scope_hook() }}',
        '{{ job_shares_delete_hook() }}',
    ],
    meta={'rows_built': {'built_at': '_computed_at'}},
) }}
{{- incremental_hook_dependencies(['base_dms__time_punches', 'int_punches_sequenced']) }}

with

{%- if incremental_run() %}

{#- the jobs ending at or after the smallest read_from_epoch, found by a comparison
    before the join below (D-128) #}
recent_jobs as (
    select * from {{ ref('int_jobs_paired') }} as paired
    where (select recompute_all from {{ incremental_scratch('all') }})
        or paired.end_epoch >= (select min(read_from_epoch) from {{ incremental_scratch('scope') }})
),
{%- endif %}

jobs as {{ not_materialized_in_full_build() }} (
    {%- if incremental_run() %}
    {#- every job of a recomputed employee that ends at or after read_from_epoch #}
    select * from recent_jobs as paired
    where (select recompute_all from {{ incremental_scratch('all') }})
        or {{ job_in_scope('paired', 'read_from_epoch') }}
    {%- else %}
    select * from {{ ref('int_jobs_paired') }}
    {%- endif %}
),

open_close_events as (
    select
        employee_id,
        start_epoch as boundary_epoch,
        1 as open_jobs_delta
    from jobs
    union all
    select
        employee_id,
        end_epoch as boundary_epoch,
        -1 as open_jobs_delta
    from jobs
),

boundaries as (
    select
        employee_id,
        boundary_epoch,
        sum(open_jobs_delta) as open_jobs_delta
    from open_close_events
    group by
        employee_id,
        boundary_epoch
),

segments as (
    select
        employee_id,
        boundary_epoch,
        -- the segment that ends at this boundary: its length, and the jobs open on it
        -- (the deltas of every earlier boundary; one window pass for both, D-135)
        boundary_epoch
        - lag(boundary_epoch) over (partition by employee_id order by boundary_epoch)
            as segment_seconds,
        cast(
            sum(open_jobs_delta) over (
                partition by employee_id
                order by boundary_epoch
                rows between unbounded preceding and 1 preceding
            ) as bigint
        ) as segment_open_jobs
    from boundaries
),

busy_periods as (
    select
        employee_id,
        boundary_epoch,
        segment_seconds,
        segment_open_jobs,
        -- the latest boundary so far that ended a segment with no job open
        max(case when coalesce(segment_open_jobs, 0) = 0 then boundary_epoch end) over (
            partition by employee_id
            order by boundary_epoch
            rows between unbounded preceding and current row
        ) as busy_from_epoch
    from segments
),

segment_shares as (
    select
        employee_id,
        boundary_epoch,
        busy_from_epoch,
        case
            when segment_open_jobs > 0
                then cast(segment_seconds as double) / segment_open_jobs
            else cast(0 as double)
        end as segment_share_seconds
    from busy_periods
),

cumulative_shares as (
    select
        employee_id,
        boundary_epoch,
        busy_from_epoch,
        sum(segment_share_seconds) over (
            partition by employee_id, busy_from_epoch
            order by boundary_epoch
            rows between unbounded preceding and current row
        ) as shared_seconds_to_boundary
    from segment_shares
),

final as (
    select
        jobs.job_id,
        jobs.end_punch_id,
        jobs.employee_id,
        jobs.branch_code,
        jobs.ticket_id,
        jobs.started_at,
        jobs.ended_at,
        jobs.start_epoch,
        jobs.end_epoch,
        jobs.job_hours,
        jobs.job_date,
        (at_end.shared_seconds_to_boundary - at_start.shared_seconds_to_boundary) / 3600
            as share_hours,
        at_start.busy_from_epoch,
        {{ build_started_at() }} as _computed_at
    from jobs
    inner join cumulative_shares as at_start
        on jobs.employee_id = at_start.employee_id
        and jobs.start_epoch = at_start.boundary_epoch
    inner join cumulative_shares as at_end
        on jobs.employee_id = at_end.employee_id
        and jobs.end_epoch = at_end.boundary_epoch
    {%- if incremental_run() %}
    {#- the jobs recomputed: those ending at or after changed_from_epoch #}
    where (select recompute_all from {{ incremental_scratch('all') }})
        or {{ job_in_scope('jobs', 'changed_from_epoch') }}
    {%- endif %}
)

select * from final
