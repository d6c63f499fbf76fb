{#- response_sla_rate (10分钟响应率): valid work orders whose first_response_at met the
    response target of their SLA policy / those whose outcome is known, by opened date.
    Formula: doc block kpi_response_sla_rate; unit test
    unit_kpi_response_sla_rate_daily_outcomes;
    SQL: macro kpi_sla_rate_daily (macros/kpi/service_level_sla_rate_daily.sql). -#}
{{ kpi_sla_rate_daily('response_sla_rate', 'response') }}
