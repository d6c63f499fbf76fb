{#- resolution_sla_rate (24小时完工率): valid work orders whose work_completed_at met the
    resolution target of their SLA policy / those whose outcome is known, by opened
    date. Formula: doc block kpi_resolution_sla_rate; unit test
    unit_kpi_resolution_sla_rate_daily_outcomes;
    SQL: macro kpi_sla_rate_daily (macros/kpi/service_level_sla_rate_daily.sql). -#}
{{ kpi_sla_rate_daily('resolution_sla_rate', 'resolution') }}
