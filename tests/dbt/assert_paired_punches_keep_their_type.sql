-- A punch placed as the start or the end of a shift or a job pair has that punch_type
-- (an orphan may have any). Returns the offending punches. Part of the labour pairing's
-- checks with assert_every_punch_paired_or_orphaned (see there, D-110).
with

punches as (
    select punch_id, punch_type from {{ ref('stg_dms__time_punches') }}
),

placements as (
    {{ punch_placements() }}
),

checked_punches as (
    select * from punches
    {{ where_clause(labour_punches_built('punch_id')) }}
),

checked_placements as (
    select * from placements
    {{ where_clause(labour_punches_built('punch_id')) }}
),

final as (
    select
        checked_placements.punch_id,
        checked_placements.placement,
        checked_punches.punch_type
    from checked_placements
    inner join checked_punches
        on checked_placements.punch_id = checked_punches.punch_id
    where checked_placements.placement <> 'orphan'
        and checked_placements.placement <> checked_punches.punch_type
)

select * from final
