-- Shifts and jobs last between 0 and var('max_pair_hours') absolute hours, and a job's
-- share is between 0 and its duration. Returns the offending pairs.
-- An invariant of the labour models' own SQL (tag invariant, D-131): a scheduled refresh
-- does not run it; CI and scripts/test.sh run it on every row of the end-to-end build
-- and in the replay test's last incremental build.
{{ config(tags=['invariant']) }}
with

shifts as (
    select * from {{ ref('int_shifts_paired') }}
),

job_shares as (
    select * from {{ ref('int_job_shares_allocated') }}
),

final as (
    select
        shift_id as pair_id,
        'shift' as pair_kind,
        shift_hours as hours,
        cast(null as double) as share_hours
    from shifts
    where shift_hours < 0
        or shift_hours > {{ var('max_pair_hours') }}
    union all
    select
        job_id as pair_id,
        'job' as pair_kind,
        job_hours as hours,
        share_hours
    from job_shares
    where job_hours < 0
        or job_hours > {{ var('max_pair_hours') }}
        or share_hours < -0.000001
        or share_hours > job_hours + 0.000001
)

select * from final
