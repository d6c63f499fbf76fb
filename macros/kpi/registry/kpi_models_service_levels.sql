{#- Daily KPI models of the catalog area 'service_levels' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_service_levels() -%}
    {{ return([]) }}
{%- endmacro %}
