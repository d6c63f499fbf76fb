{#- Daily KPI models of the catalog area 'parts' (see macros/kpi/kpi_registry.sql).
    parts_fill_rate is a headline KPI (registered in kpi_daily_models()). -#}
{% macro kpi_daily_models_parts() -%}
    {{ return([
        'int_kpi_parts_fill_rate_bc_daily',
        'int_kpi_parts_qty_fill_rate_daily',
        'int_kpi_parts_prepick_ontime_rate_daily',
        'int_kpi_parts_receipt_24h_rate_daily',
        'int_kpi_parts_receipt_48h_rate_daily',
        'int_kpi_parts_receipt_7d_rate_daily',
    ]) }}
{%- endmacro %}
