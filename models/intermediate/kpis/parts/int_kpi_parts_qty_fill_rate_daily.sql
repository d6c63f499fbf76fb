{#- parts_qty_fill_rate (总体满足率, quantity). Doc block: kpi_parts_qty_fill_rate; unit
    test: unit_kpi_parts_qty_fill_rate_quantities. Σ qty_from_stock / Σ qty_requested of
    the valid part lines with a requested quantity, by requested date at the line's
    branch; a missing qty_from_stock counts as nothing handed over.
    SQL: macro kpi_part_lines_fill_daily (macros/kpi/parts_fill_rate_daily.sql). -#}
{{ kpi_part_lines_fill_daily(
    'parts_qty_fill_rate',
    numerator='coalesce(qty_from_stock, 0)',
    denominator='qty_requested',
    where=['qty_requested is not null']
) }}
