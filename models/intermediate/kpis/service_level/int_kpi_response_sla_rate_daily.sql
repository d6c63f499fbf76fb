{#- response_sla_rate (10分钟响应率), doc block kpi_response_sla_rate; unit test unit_kpi_response_sla_rate_daily_outcomes.
    Valid tickets (status <> 'cancelled') with first_response_at within the response target (on the clock of
    the ticket's SLA policy) / valid tickets whose outcome is known, by opened date at the
    ticket's branch. Per-ticket timing: int_work_orders_sla_measured.
    SQL: macro kpi_sla_rate_daily (macros/kpi/service_level_sla_rate_daily.sql). -#}
{{ kpi_sla_rate_daily('response_sla_rate', 'response') }}
