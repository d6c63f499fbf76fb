{#- Current branches (service outlets): valid rows only, one row per branch_code: the
    version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key. -#}

with base_branches as (
    select * from {{ ref('base_dms__branches') }}
),

valid as (
    select *
    from base_branches
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by branch_code
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
        branch_code,
        branch_name,
        region,
        province,
        org_type,
        timezone,
        opens_at,
        closes_at,
        open_weekdays,
        updated_at,
        _source_file
    from winners
)

select * from final
