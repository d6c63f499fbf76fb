{#- Every daily KPI model of the registry (macros/kpi/kpi_registry.sql), one row per
    (kpi_code, branch_code, date_day). SQL: macro kpi_models_unioned
    (macros/kpi/kpi_models_unioned.sql). -#}
{{ assert_kpi_registry_complete() }}
{{ kpi_models_unioned(kpi_daily_models(), interface='daily') }}
