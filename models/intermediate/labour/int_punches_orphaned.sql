{#- Punches that pair with nothing, with the reason. They contribute no hours. -#}
with

sequenced_punches as (
    select * from {{ ref('int_punches_sequenced') }}
),

orphans as (
    select * from sequenced_punches
    where orphan_reason is not null
),

final as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        orphan_reason,
        _source_file
    from orphans
)

select * from final
