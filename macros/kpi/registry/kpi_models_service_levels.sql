{#- Daily KPI models of the catalog area 'service_levels' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_service_levels() -%}
    {{ return([
        'int_kpi_response_sla_rate_daily',
        'int_kpi_arrival_sla_rate_daily',
        'int_kpi_resolution_sla_rate_daily',
    ]) }}
{%- endmacro %}
