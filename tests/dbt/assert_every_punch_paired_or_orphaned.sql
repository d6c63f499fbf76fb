-- Every valid punch is exactly one of: the start of a pair, the end of a pair (of its
-- own punch_type), or an orphan; no pair or orphan names a punch that is not a valid
-- punch; and a pair's two punches name each other. Returns the offending punches.
with

punches as (
    select * from {{ ref('stg_dms__time_punches') }}
),

sequenced_punches as (
    select * from {{ ref('int_punches_sequenced') }}
),

shifts as (
    select * from {{ ref('int_shifts_paired') }}
),

jobs as (
    select * from {{ ref('int_jobs_paired') }}
),

orphans as (
    select * from {{ ref('int_punches_orphaned') }}
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
        count(*) as n_placements
    from checked_placements
    group by punch_id
),

miscounted as (
    select
        coalesce(checked_punches.punch_id, placement_counts.punch_id) as punch_id,
        case
            when checked_punches.punch_id is null then 'placed_but_not_a_valid_punch'
            when placement_counts.punch_id is null then 'neither_paired_nor_orphaned'
            else 'placed_more_than_once'
        end as failure
    from checked_punches
    full outer join placement_counts
        on checked_punches.punch_id = placement_counts.punch_id
    where checked_punches.punch_id is null
        or placement_counts.punch_id is null
        or placement_counts.n_placements <> 1
),

misplaced as (
    select
        checked_placements.punch_id,
        'placed_as_another_punch_type' as failure
    from checked_placements
    inner join checked_punches
        on checked_placements.punch_id = checked_punches.punch_id
    where checked_placements.placement <> 'orphan'
        and checked_placements.placement <> checked_punches.punch_type
),

not_mutual as (
    select
        sequenced_punches.punch_id,
        'partner_does_not_name_it_back' as failure
    from sequenced_punches
    left join sequenced_punches as partners
        on sequenced_punches.partner_punch_id = partners.punch_id
    where sequenced_punches.partner_punch_id is not null
        and {{ labour_punches_built('sequenced_punches.punch_id') or 'true' }}
        and (
            partners.punch_id is null
            or partners.partner_punch_id is null
            or partners.partner_punch_id <> sequenced_punches.punch_id
        )
),

final as (
    select * from miscounted
    union all
    select * from misplaced
    union all
    select * from not_mutual
)

select * from final
