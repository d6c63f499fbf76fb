{#- interactive_precheck_rate (互动预检比例), doc block kpi_interactive_precheck_rate; unit
    test unit_kpi_interactive_precheck_rate_customer_deliveries. Customer deliveries CD(P)
    (delivered valid tickets, is_internal = false) with precheck_with_customer / CD(P), by
    delivered date at the ticket's branch.
    SQL: macro kpi_delivered_share_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_share_daily('interactive_precheck_rate', 'precheck_with_customer', customers_only=true) }}
