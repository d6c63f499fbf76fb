{#- One row per valid, non-deleted part request line, cancelled ones included. -#}

with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

final as (
    select
        request_line_id,
        ticket_id,
        branch_code,
        part_number,
        part_class,
        status,
        status = 'cancelled' as is_cancelled,
        status <> 'cancelled' and qty_from_stock = qty_requested as is_filled_from_stock,
        qty_requested,
        qty_from_stock,
        unit_price,
        requested_at,
        issued_at,
        ordered_at,
        received_at,
        cast(requested_at as date) as requested_date,
        updated_at
    from part_requests
)

select * from final
