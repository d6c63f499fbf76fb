{#- Per-period KPI models (int_kpi_<code>_periods, tag kpi_period) of the catalog area
    'backlog' (see kpi_period_models() in macros/kpi/kpi_registry.sql and
    docs/architecture.md, "per-period KPI models"). -#}
{% macro kpi_period_models_backlog() -%}
    {{ return([
        'int_kpi_backlog_per_technician_periods',
    ]) }}
{%- endmacro %}
