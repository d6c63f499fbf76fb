{#- Per-period KPI models (int_kpi_<code>_periods, tag kpi_period) of the catalog area
    'assets' (see kpi_period_models() in macros/kpi/kpi_registry.sql and
    docs/architecture.md, "per-period KPI models"). contract_attach_rate counts
    distinct assets per period. -#}
{% macro kpi_period_models_assets() -%}
    {{ return(['int_kpi_contract_attach_rate_periods']) }}
{%- endmacro %}
