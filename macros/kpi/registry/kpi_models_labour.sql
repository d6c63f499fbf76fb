{#- Daily KPI models of the catalog area 'labour' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_labour() -%}
    {{ return([]) }}
{%- endmacro %}
