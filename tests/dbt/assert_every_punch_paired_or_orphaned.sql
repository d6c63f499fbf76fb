-- Every valid punch is exactly one of: the start of a pair, the end of a pair (of its
-- own punch_type), or an orphan; no pair or orphan names a punch that is not a valid
-- punch; and a pair's two punches name each other. Returns the offending punches.
with

punches as (
    select * from {{ ref('stg_dms__time_punches') }}
    {{ where_labour_employees_built() }}
),

sequenced_punches as (
    select * from {{ ref('int_punches_sequenced') }}
    {{ where_labour_employees_built() }}
),

shifts as (
    select * from {{ ref('int_shifts_paired') }}
    {{ where_labour_employees_built() }}
),

jobs as (
    select * from {{ ref('int_jobs_paired') }}
    {{ where_labour_employees_built() }}
),

orphans as (
    select * from {{ ref('int_punches_orphaned') }}
    {{ where_labour_employees_built() }}
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

placement_counts as (
    select
        punch_id,
        count(*) as n_placements
    from placements
    group by punch_id
),

miscounted as (
    select
        coalesce(punches.punch_id, placement_counts.punch_id) as punch_id,
        case
            when punches.punch_id is null then 'placed_but_not_a_valid_punch'
            when placement_counts.punch_id is null then 'neither_paired_nor_orphaned'
            else 'placed_more_than_once'
        end as failure
    from punches
    full outer join placement_counts
        on punches.punch_id = placement_counts.punch_id
    where punches.punch_id is null
        or placement_counts.punch_id is null
        or placement_counts.n_placements <> 1
),

misplaced as (
    select
        placements.punch_id,
        'placed_as_another_punch_type' as failure
    from placements
    inner join punches
        on placements.punch_id = punches.punch_id
    where placements.placement <> 'orphan'
        and placements.placement <> punches.punch_type
),

not_mutual as (
    select
        sequenced_punches.punch_id,
        'partner_does_not_name_it_back' as failure
    from sequenced_punches
    left join sequenced_punches as partners
        on sequenced_punches.partner_punch_id = partners.punch_id
    where sequenced_punches.partner_punch_id is not null
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
