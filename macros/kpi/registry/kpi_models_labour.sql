{#- Daily KPI models of the catalog area 'labour' (see macros/kpi/kpi_registry.sql).
    open_rate and labor_efficiency are headline KPIs (registered in kpi_daily_models());
    parts_sales_per_advisor and tickets_per_technician are per period:
    kpi_period_models_labour.sql. -#}
{% macro kpi_daily_models_labour() -%}
    {{ return([
        'int_kpi_productivity_index_daily',
        'int_kpi_sold_hours_per_ticket_daily',
        'int_kpi_parts_sales_per_ticket_daily',
    ]) }}
{%- endmacro %}
