{#- Daily KPI models of the catalog area 'workshop' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_workshop() -%}
    {{ return([]) }}
{%- endmacro %}
