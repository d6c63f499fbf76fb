{#- Per-period KPI models (int_kpi_<code>_periods, tag kpi_period) of the catalog area
    'labour' (see kpi_period_models() in macros/kpi/kpi_registry.sql and
    docs/architecture.md, "per-period KPI models"): distinct advisors and distinct
    technicians per period. -#}
{% macro kpi_period_models_labour() -%}
    {{ return([
        'int_kpi_parts_sales_per_advisor_periods',
        'int_kpi_tickets_per_technician_periods',
    ]) }}
{%- endmacro %}
