with branches as (
    select * from {{ ref('stg_dms__branches') }}
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
        updated_at
    from branches
)

select * from final
