{#- Daily KPI models of the catalog area 'workshop' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_workshop() -%}
    {{ return([
        'int_kpi_first_time_fix_rate_daily',
        'int_kpi_comeback_rate_daily',
        'int_kpi_workshop_ontime_rate_daily',
        'int_kpi_ontime_delivery_rate_daily',
        'int_kpi_invoice_ontime_rate_daily',
        'int_kpi_delivery_explanation_rate_daily',
        'int_kpi_mttr_hours_daily',
        'int_kpi_completion_cycle_hours_daily',
    ]) }}
{%- endmacro %}
