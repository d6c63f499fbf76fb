{#- Current assets (customer vehicles and equipment): valid rows only, one row per
    asset_id: the version with the greatest updated_at, then the later file, then the
    later row; a winning deleted version removes the key. -#}

with base_assets as (
    select * from {{ ref('base_dms__assets') }}
),

valid as (
    select *
    from base_assets
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by asset_id
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
        asset_id,
        customer_id,
        product_line,
        sold_on,
        warranty_end_on,
        contract_start_on,
        contract_end_on,
        updated_at,
        _source_file
    from winners
)

select * from final
