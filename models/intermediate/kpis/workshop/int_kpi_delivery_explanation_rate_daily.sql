{#- delivery_explanation_rate (交车解释比例), doc block kpi_delivery_explanation_rate; unit
    test unit_kpi_delivery_explanation_rate_customer_deliveries. Customer deliveries CD(P)
    (delivered valid tickets, is_internal = false) with explained_at_delivery / CD(P), by
    delivered date at the ticket's branch.
    SQL: macro kpi_delivered_share_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_share_daily('delivery_explanation_rate', 'explained_at_delivery', customers_only=true) }}
