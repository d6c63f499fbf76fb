{#- One row per valid, non-deleted part request line, cancelled ones included.

    Incremental on DuckDB: a build rewrites the lines parsed in it
    (macros/marts/core_facts_incremental.sql, D-100). -#}
{{ keyed_rewrite('request_line_id', 'part_lines_scope', inputs=['base_dms__part_requests']) }}

with part_requests as (
    {{ keyed_rewrite_rows(ref('stg_dms__part_requests'), 'request_line_id') }}
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
