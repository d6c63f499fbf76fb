{#- Daily KPI models of the catalog area 'assets' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_assets() -%}
    {{ return([]) }}
{%- endmacro %}
