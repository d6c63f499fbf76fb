{#- parts_receipt_48h_rate (48小时签收率): valid warehouse lines signed for within
    var('parts_receipt_48h_window_hours') of ordered_at / those whose outcome is known,
    by ordered date. Formula: doc block kpi_parts_receipt_48h_rate; unit test
    unit_kpi_parts_receipt_48h_rate_window; SQL: macro kpi_parts_receipt_rate_daily. -#}
{{ kpi_parts_receipt_rate_daily('parts_receipt_48h_rate', var('parts_receipt_48h_window_hours')) }}
