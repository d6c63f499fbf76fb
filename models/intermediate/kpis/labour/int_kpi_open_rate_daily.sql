{#- open_rate (开工率). Doc block: kpi_open_rate; unit test:
    unit_kpi_open_rate_daily_attribution.
    Technicians' job shares (h) by job start date / technicians' shift hours (h) by shift
    start date, both at the punch branch.
    SQL: macro kpi_labour_hours_ratio_daily (macros/kpi/labour_hours_daily.sql). -#}
{{ kpi_labour_hours_ratio_daily('open_rate', numerator='job_share_hours', denominator='shift_hours') }}
