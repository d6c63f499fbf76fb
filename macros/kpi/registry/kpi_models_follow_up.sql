{#- Daily KPI models of the catalog area 'follow_up' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_follow_up() -%}
    {{ return([]) }}
{%- endmacro %}
