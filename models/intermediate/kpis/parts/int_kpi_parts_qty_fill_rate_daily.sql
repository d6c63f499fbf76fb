{#- parts_qty_fill_rate (总体满足率, quantity). Doc block: kpi_parts_qty_fill_rate; unit
    test: unit_kpi_parts_qty_fill_rate_quantities. Σ qty_from_stock / Σ qty_requested of
    the valid part lines with a requested quantity, by requested date at the line's
    branch; a missing qty_from_stock counts as nothing handed over. -#}

with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

valid_lines as (
    select
        branch_code,
        cast(requested_at as date) as date_day,
        coalesce(qty_from_stock, 0) as qty_from_stock,
        qty_requested
    from part_requests
    where
        status <> 'cancelled'
        and qty_requested is not null
),

final as (
    select
        'parts_qty_fill_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(qty_from_stock) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(qty_requested) as {{ type_kpi_measure() }}) as denominator
    from valid_lines
    group by
        branch_code,
        date_day
)

select * from final
