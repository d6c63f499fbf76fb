-- The job shares of an employee add up to the union of his job intervals. The union is
-- computed independently of int_job_shares_allocated, by gaps and islands over
-- int_jobs_paired. Returns employees whose totals differ by more than a rounding error.
-- In an incremental dbt build it reads, per employee that build can have changed,
-- the busy periods it can have changed, whole: the jobs and shares starting at or after
-- the first one's start (labour_busy_periods_built, macros/tests/rows_built.sql; D-098,
-- D-122). The totals then hold over those periods.
-- An invariant of the labour models' own SQL (tag invariant, D-131): a scheduled refresh
-- does not run it; CI and scripts/test.sh run it on every row of the end-to-end build
-- and in the replay test's last incremental build.
{{ config(tags=['invariant']) }}
{%- set periods_built = labour_busy_periods_built() %}
with
{% if periods_built %}
periods_built as (
    {{ periods_built }}
),
{% endif %}
jobs as (
    select paired.* from {{ ref('int_jobs_paired') }} as paired
    {%- if periods_built %}
    inner join periods_built
        on paired.employee_id = periods_built.employee_id
        and paired.start_epoch >= periods_built.from_epoch
    {%- endif %}
),

job_shares as (
    select shares.* from {{ ref('int_job_shares_allocated') }} as shares
    {%- if periods_built %}
    inner join periods_built
        on shares.employee_id = periods_built.employee_id
        and shares.start_epoch >= periods_built.from_epoch
    {%- endif %}
),

ordered_jobs as (
    select
        employee_id,
        start_epoch,
        end_epoch,
        max(end_epoch) over (
            partition by employee_id
            order by start_epoch, end_epoch, job_id
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end
    from jobs
),

island_starts as (
    select
        employee_id,
        start_epoch,
        end_epoch,
        case
            when previous_max_end is null or start_epoch > previous_max_end then 1
            else 0
        end as is_island_start
    from ordered_jobs
),

numbered as (
    select
        employee_id,
        start_epoch,
        end_epoch,
        sum(is_island_start) over (
            partition by employee_id
            order by start_epoch, end_epoch, is_island_start desc
            rows between unbounded preceding and current row
        ) as island_number
    from island_starts
),

islands as (
    select
        employee_id,
        island_number,
        max(end_epoch) - min(start_epoch) as island_seconds
    from numbered
    group by
        employee_id,
        island_number
),

union_hours as (
    select
        employee_id,
        sum(island_seconds) / 3600.0 as union_hours
    from islands
    group by employee_id
),

share_totals as (
    select
        employee_id,
        sum(share_hours) as share_hours
    from job_shares
    group by employee_id
),

final as (
    select
        coalesce(union_hours.employee_id, share_totals.employee_id) as employee_id,
        union_hours.union_hours,
        share_totals.share_hours
    from union_hours
    full outer join share_totals
        on union_hours.employee_id = share_totals.employee_id
    where union_hours.employee_id is null
        or share_totals.employee_id is null
        or abs(union_hours.union_hours - share_totals.share_hours) > 0.000001
)

select * from final
