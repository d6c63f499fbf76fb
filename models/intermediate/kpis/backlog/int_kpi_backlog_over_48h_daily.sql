{#- backlog_over_48h (超48小时在途工单). Doc block: kpi_backlog_over_48h; unit test:
    unit_kpi_backlog_over_48h_daily_snapshot.
    Snapshot KPI: open work orders older than 48 h (the bucket's min_age_hours in the
    backlog_age_buckets seed) at the end of each day, per branch.
    SQL: macro kpi_backlog_snapshot_daily (macros/kpi/backlog_snapshot_daily.sql). -#}
{{ kpi_backlog_snapshot_daily('backlog_over_48h') }}
