{#- parts_receipt_24h_rate (24小时签收率). Doc block: kpi_parts_receipt_24h_rate; unit test:
    unit_kpi_parts_receipt_24h_rate_window. Valid lines ordered from the warehouse and
    signed for at most var('parts_receipt_24h_window_hours') after ordered_at / valid
    lines with ordered_at whose outcome is known (received, or as_of at or past
    ordered_at + window), by ordered date at the line's branch. Instants are absolute
    epoch seconds (int_part_lines_receipt_timed).
    SQL: macro kpi_parts_receipt_rate_daily (macros/kpi/parts_receipt_rate_daily.sql). -#}
{{ kpi_parts_receipt_rate_daily('parts_receipt_24h_rate', var('parts_receipt_24h_window_hours')) }}
