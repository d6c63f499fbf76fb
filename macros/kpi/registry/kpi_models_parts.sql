{#- Daily KPI models of the catalog area 'parts' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_parts() -%}
    {{ return([]) }}
{%- endmacro %}
