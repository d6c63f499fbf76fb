{#- Daily KPI models of the catalog area 'reception' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_reception() -%}
    {{ return([]) }}
{%- endmacro %}
