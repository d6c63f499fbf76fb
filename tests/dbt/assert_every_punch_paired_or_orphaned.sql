-- Every valid punch is placed exactly once: as the start of a pair, the end of a pair, or
-- an orphan; and no pair or orphan names a punch that is not a valid punch. Returns the
-- offending punches. With assert_paired_punches_keep_their_type (a pair's punches are of
-- the types their places say) and assert_punch_partners_name_each_other, it checks the
-- labour pairing. The three were one query until D-110: at 10 M work orders (33 M
-- punches) its three joins side by side ran out of DuckDB's 6 GB memory limit; apart,
-- each takes 8 to 14 s there.
with

punches as (
    select punch_id from {{ ref('stg_dms__time_punches') }}
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

placement_counts as (
    select
        punch_id,
        count(*) as n_placements
    from checked_placements
    group by punch_id
),

final as (
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
)

select * from final
