{#- Every raw part_requests row (parts lines), parsed, with its quarantine reasons
    (null = valid). The ticket a line belongs to is not checked: it may arrive in a later
    file (a late-arriving reference is kept). -#}

with raw_part_requests as (
    select * from {{ source('dms', 'part_requests') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

parsed as (
    select
        {{ parse_text('request_line_id') }} as request_line_id,
        {{ parse_text('ticket_id') }} as ticket_id,
        {{ parse_text('branch_code') }} as branch_code,
        {{ parse_text('part_number') }} as part_number,
        {{ parse_code('part_class') }} as part_class,
        {{ parse_decimal('qty_requested') }} as qty_requested,
        {{ parse_decimal('qty_from_stock') }} as qty_from_stock,
        {{ parse_timestamp('requested_at') }} as requested_at,
        {{ parse_timestamp('issued_at') }} as issued_at,
        {{ parse_timestamp('ordered_at') }} as ordered_at,
        {{ parse_timestamp('received_at') }} as received_at,
        {{ parse_decimal('unit_price') }} as unit_price,
        {{ parse_code('status') }} as status,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('request_line_id'),
            reason_required('ticket_id'),
            reason_required('branch_code'),
            reason_required('part_number'),
            reason_code('part_class', ['a', 'b', 'c']),
            reason_decimal('qty_requested'),
            reason_decimal('qty_from_stock'),
            reason_timestamp('requested_at', required=true),
            reason_timestamp('issued_at'),
            reason_timestamp('ordered_at'),
            reason_timestamp('received_at'),
            reason_decimal('unit_price'),
            reason_code('status', ['requested', 'issued', 'backordered', 'cancelled']),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _format_reason
    from raw_part_requests
),

checked as (
    select
        parsed.*,
        {{ collect_reasons([
            'parsed._format_reason',
            reason_if('parsed.branch_code is not null and branches.branch_code is null',
                      'unknown_branch_code'),
            reason_if('parsed.qty_requested < 0', 'negative_value:qty_requested'),
            reason_if('parsed.qty_from_stock < 0', 'negative_value:qty_from_stock'),
            reason_if('parsed.unit_price < 0', 'negative_value:unit_price'),
            reason_if('parsed.qty_requested <= 0', 'qty_requested_not_positive'),
            reason_if('parsed.qty_from_stock > parsed.qty_requested',
                      'qty_from_stock_exceeds_requested'),
        ]) }} as _quarantine_reason
    from parsed
    left join branches
        on parsed.branch_code = branches.branch_code
),

final as (
    select
        request_line_id,
        ticket_id,
        branch_code,
        part_number,
        part_class,
        qty_requested,
        qty_from_stock,
        requested_at,
        issued_at,
        ordered_at,
        received_at,
        unit_price,
        status,
        updated_at,
        is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        _quarantine_reason
    from checked
)

select * from final
