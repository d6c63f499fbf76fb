-- A punch's partner names it back as its partner. Returns the punches whose partner is
-- missing, has no partner or names another punch. Part of the labour pairing's checks
-- with assert_every_punch_paired_or_orphaned (see there, D-114).
-- An invariant of the labour models' own SQL (tag invariant, D-131): a scheduled refresh
-- does not run it; CI and scripts/test.sh run it on every row of the end-to-end build
-- and in the replay test's last incremental build.
{{ config(tags=['invariant']) }}
with

sequenced_punches as (
    select punch_id, partner_punch_id from {{ ref('int_punches_sequenced') }}
),

final as (
    select sequenced_punches.punch_id
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
)

select * from final
