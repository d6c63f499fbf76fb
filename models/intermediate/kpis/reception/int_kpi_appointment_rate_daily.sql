{#- appointment_rate (预约率), doc block kpi_appointment_rate; unit test
    unit_kpi_appointment_rate_customer_deliveries. Customer deliveries CD(P) (delivered
    valid tickets, is_internal = false) with an appointment_at / CD(P), by delivered date
    at the ticket's branch.
    SQL: macro kpi_delivered_share_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_share_daily('appointment_rate', 'appointment_at is not null', customers_only=true) }}
