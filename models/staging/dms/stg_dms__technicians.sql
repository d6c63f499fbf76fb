{#- Current technicians (service staff): valid rows only, one row per employee_id: the
    version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key. Names and phone numbers (personal data) are
    dropped here and never leave staging. -#}

with base_technicians as (
    select * from {{ ref('base_dms__technicians') }}
),

valid as (
    select *
    from base_technicians
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by employee_id
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
        employee_id,
        branch_code,
        role,
        hired_on,
        left_on,
        updated_at,
        _source_file
    from winners
)

select * from final
