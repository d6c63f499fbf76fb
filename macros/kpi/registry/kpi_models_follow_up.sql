{#- Daily KPI models of the catalog area 'follow_up' (see macros/kpi/kpi_registry.sql).
    revisit_rate is a headline KPI and is listed there. -#}
{% macro kpi_daily_models_follow_up() -%}
    {{ return([
        'int_kpi_satisfaction_rate_daily',
        'int_kpi_problem_resolution_rate_daily',
        'int_kpi_nps_daily',
        'int_kpi_complaint_rate_daily',
    ]) }}
{%- endmacro %}
