{#- arrival_sla_rate (4小时到位率): valid work orders whose arrived_at met the arrival target
    of their SLA policy / those whose outcome is known, by opened date. Formula: doc
    block kpi_arrival_sla_rate; unit test unit_kpi_arrival_sla_rate_daily_outcomes;
    SQL: macro kpi_sla_rate_daily (macros/kpi/service_level_sla_rate_daily.sql). -#}
{{ kpi_sla_rate_daily('arrival_sla_rate', 'arrival') }}
