{#- Daily KPI models of the catalog area 'backlog' (see macros/kpi/kpi_registry.sql).
    Snapshot KPIs: one row per branch and day, zeros included (kpi_values takes a
    period's last day). backlog_per_technician is a per-period model
    (kpi_period_models_backlog). -#}
{% macro kpi_daily_models_backlog() -%}
    {{ return([
        'int_kpi_backlog_open_daily',
        'int_kpi_backlog_over_24h_daily',
        'int_kpi_backlog_over_48h_daily',
        'int_kpi_backlog_over_72h_daily',
        'int_kpi_backlog_over_96h_daily',
        'int_kpi_backlog_over_120h_daily',
    ]) }}
{%- endmacro %}
