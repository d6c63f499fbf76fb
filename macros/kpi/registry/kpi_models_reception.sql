{#- Daily KPI models of the catalog area 'reception' (see macros/kpi/kpi_registry.sql). -#}
{% macro kpi_daily_models_reception() -%}
    {{ return([
        'int_kpi_appointment_rate_daily',
        'int_kpi_reminder_rate_daily',
        'int_kpi_punctuality_rate_daily',
        'int_kpi_catalog_quote_rate_daily',
        'int_kpi_precheck_form_rate_daily',
        'int_kpi_interactive_precheck_rate_daily',
    ]) }}
{%- endmacro %}
