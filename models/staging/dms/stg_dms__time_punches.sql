{#- Current time_punches (clock events): valid rows only, one row per punch_id: the
    version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key. -#}

with base_time_punches as (
    select * from {{ ref('base_dms__time_punches') }}
),

valid as (
    select *
    from base_time_punches
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by punch_id
            order by updated_at desc, _source_file desc, _row_number desc
        ) as version_rank
    from valid
),

winners as (
    select *
    from ranked
    where version_rank = 1
        and not is_deleted
),

final as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        source,
        updated_at,
        _source_file
    from winners
)

select * from final
