{#- parts_fill_rate (零件保供率). Doc block: kpi_parts_fill_rate; unit test:
    unit_kpi_parts_fill_rate_daily_lines.
    Valid part lines filled entirely from stock / valid part lines, by requested date at
    the line's branch.
    SQL: macro kpi_part_lines_fill_daily (macros/kpi/parts_fill_rate_daily.sql). -#}
{{ kpi_part_lines_fill_daily(
    'parts_fill_rate',
    numerator='case when qty_from_stock = qty_requested then 1 else 0 end',
    denominator='1'
) }}
