{#- Every raw assets row, parsed, with its quarantine reasons (null = valid). -#}

with raw_assets as (
    select * from {{ source('dms', 'assets') }}
),

parsed as (
    select
        {{ parse_text('asset_id') }} as asset_id,
        {{ parse_text('customer_id') }} as customer_id,
        {{ parse_text('product_line') }} as product_line,
        {{ parse_date('sold_on') }} as sold_on,
        {{ parse_date('warranty_end_on') }} as warranty_end_on,
        {{ parse_date('contract_start_on') }} as contract_start_on,
        {{ parse_date('contract_end_on') }} as contract_end_on,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('asset_id'),
            reason_required('customer_id'),
            reason_required('product_line'),
            reason_date('sold_on', required=true),
            reason_date('warranty_end_on'),
            reason_date('contract_start_on'),
            reason_date('contract_end_on'),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _quarantine_reason
    from raw_assets
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
        is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        _quarantine_reason
    from parsed
)

select * from final
