{#- parts_fill_rate_bc (BC类满足率). Doc block: kpi_parts_fill_rate_bc; unit test:
    unit_kpi_parts_fill_rate_bc_classes. Valid part lines of class B or C filled
    entirely from stock / valid B and C lines, by requested date at the line's branch.
    part_class is lower-cased in staging.
    SQL: macro kpi_part_lines_fill_daily (macros/kpi/parts_fill_rate_daily.sql). -#}
{{ kpi_part_lines_fill_daily(
    'parts_fill_rate_bc',
    numerator='case when qty_from_stock = qty_requested then 1 else 0 end',
    denominator='1',
    where=["part_class in ('b', 'c')"]
) }}
