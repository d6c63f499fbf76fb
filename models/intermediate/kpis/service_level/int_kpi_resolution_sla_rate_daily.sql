{#- resolution_sla_rate (24小时完工率), doc block kpi_resolution_sla_rate; unit test unit_kpi_resolution_sla_rate_daily_outcomes.
    Valid tickets (status <> 'cancelled') with work_completed_at within the resolution target (on the clock of
    the ticket's SLA policy) / valid tickets whose outcome is known, by opened date at the
    ticket's branch. Per-ticket timing: int_work_orders_sla_measured.
    SQL: macro kpi_sla_rate_daily (macros/kpi/service_level_sla_rate_daily.sql). -#}
{{ kpi_sla_rate_daily('resolution_sla_rate', 'resolution') }}
