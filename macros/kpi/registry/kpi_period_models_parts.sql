{#- Per-period KPI models (int_kpi_<code>_periods, tag kpi_period) of the catalog area
    'parts' (see kpi_period_models() in macros/kpi/kpi_registry.sql and
    docs/architecture.md, "per-period KPI models"). -#}
{% macro kpi_period_models_parts() -%}
    {{ return([]) }}
{%- endmacro %}
