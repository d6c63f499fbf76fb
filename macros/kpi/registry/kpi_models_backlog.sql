{#- Daily KPI models of the catalog area 'backlog' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_backlog() -%}
    {{ return([]) }}
{%- endmacro %}
