{#- Daily KPI models of the catalog area 'assets' (see macros/kpi/kpi_registry.sql).
    contract_attach_rate is per period: kpi_period_models_assets.sql. -#}
{% macro kpi_daily_models_assets() -%}
    {{ return([
        'int_kpi_warranty_leakage_rate_daily',
        'int_kpi_warranty_leakage_amount_daily',
        'int_kpi_early_failure_count_daily',
        'int_kpi_in_warranty_fault_count_daily',
        'int_kpi_out_of_warranty_fault_count_daily',
    ]) }}
{%- endmacro %}
