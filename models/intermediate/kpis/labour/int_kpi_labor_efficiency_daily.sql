{#- labor_efficiency (效率). Doc block: kpi_labor_efficiency; unit test:
    unit_kpi_labor_efficiency_daily_attribution.
    Sold hours of delivered valid work orders by delivered date at the work order's branch
    / technicians' job shares (h) by job start date at the punch branch.
    SQL: macro kpi_labour_hours_ratio_daily (macros/kpi/labour_hours_daily.sql). -#}
{{ kpi_labour_hours_ratio_daily('labor_efficiency', numerator='sold_hours', denominator='job_share_hours') }}
