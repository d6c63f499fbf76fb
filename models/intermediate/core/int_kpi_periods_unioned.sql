{#- Every per-period KPI model of the registry (kpi_period_models() in
    macros/kpi/kpi_registry.sql), one row per (kpi_code, grain, period_start,
    branch_code). Doc block int_kpi_periods_unioned. SQL: macro kpi_models_unioned
    (macros/kpi/kpi_models_unioned.sql). -#}
{{ assert_kpi_registry_complete() }}
{{ kpi_models_unioned(kpi_period_models(), interface='periods') }}
