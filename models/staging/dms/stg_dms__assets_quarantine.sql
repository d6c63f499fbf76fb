{#- Quarantined assets (customer vehicles and equipment) rows: every raw row with at
    least one quarantine reason, with the raw text of every contract column, the file it
    came from and the reasons. -#}

with raw_assets as (
    select * from {{ source('dms', 'assets') }}
),

base_assets as (
    select * from {{ ref('base_dms__assets') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_assets
    where _quarantine_reason is not null
),

final as (
    select
        raw_assets._source_file,
        raw_assets._row_number,
        raw_assets._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_assets.asset_id,
        raw_assets.customer_id,
        raw_assets.product_line,
        raw_assets.sold_on,
        raw_assets.warranty_end_on,
        raw_assets.contract_start_on,
        raw_assets.contract_end_on,
        raw_assets.updated_at,
        raw_assets.is_deleted
    from quarantined
    inner join raw_assets
        on quarantined._source_file = raw_assets._source_file
        and quarantined._row_number = raw_assets._row_number
)

select * from final
