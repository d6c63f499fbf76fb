-- Every valid punch is placed exactly once: as the start or the end of a pair of its own
-- punch_type, or as an orphan; and no pair or orphan names a punch that is not a valid
-- punch. Returns the offending punches. assert_punch_partners_name_each_other checks
-- that a pair's two punches name each other. The two were one query until D-114: at
-- 10 M work orders (33 M punches) its three joins side by side ran out of DuckDB's 6 GB
-- memory limit. Here the type check rides on the count's join, and the imports keep only
-- the columns the checks read.
-- An invariant of the labour models' own SQL (tag invariant, D-131): a scheduled refresh
-- does not run it; CI and scripts/test.sh run it on every row of the end-to-end build
-- and in the replay test's last incremental build.
{{ config(tags=['invariant']) }}
with

punches as (
    select punch_id, punch_type from {{ ref('stg_dms__time_punches') }}
),

sequenced_punches as (
    select punch_id, partner_punch_id from {{ ref('int_punches_sequenced') }}
),

shifts as (
    select shift_id from {{ ref('int_shifts_paired') }}
),

jobs as (
    select job_id, end_punch_id from {{ ref('int_jobs_paired') }}
),

orphans as (
    select punch_id from {{ ref('int_punches_orphaned') }}
),

placements as (
    select shift_id as punch_id, 'shift_start' as placement from shifts
    union all
    -- int_shifts_paired has no end punch id: take it from the start's partner
    select
        sequenced_punches.partner_punch_id as punch_id,
        'shift_end' as placement
    from shifts
    left join sequenced_punches
        on shifts.shift_id = sequenced_punches.punch_id
    union all
    select job_id as punch_id, 'job_start' as placement from jobs
    union all
    select end_punch_id as punch_id, 'job_end' as placement from jobs
    union all
    select punch_id, 'orphan' as placement from orphans
),

checked_punches as (
    select * from punches
    {{ where_clause(labour_punches_built('punch_id')) }}
),

checked_placements as (
    select * from placements
    {{ where_clause(labour_punches_built('punch_id')) }}
),

placement_counts as (
    select
        punch_id,
        count(*) as n_placements,
        -- the place of a punch placed once
        max(placement) as placement
    from checked_placements
    group by punch_id
),

final as (
    select
        coalesce(checked_punches.punch_id, placement_counts.punch_id) as punch_id,
        case
            when checked_punches.punch_id is null then 'placed_but_not_a_valid_punch'
            when placement_counts.punch_id is null then 'neither_paired_nor_orphaned'
            when placement_counts.n_placements <> 1 then 'placed_more_than_once'
            else 'placed_as_another_punch_type'
        end as failure
    from checked_punches
    full outer join placement_counts
        on checked_punches.punch_id = placement_counts.punch_id
    where checked_punches.punch_id is null
        or placement_counts.punch_id is null
        or placement_counts.n_placements <> 1
        or (
            placement_counts.placement <> 'orphan'
            and placement_counts.placement <> checked_punches.punch_type
        )
)

select * from final
