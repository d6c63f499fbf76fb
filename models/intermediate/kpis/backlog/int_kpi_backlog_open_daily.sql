{#- backlog_open (在途工单). Doc block: kpi_backlog_open; unit test:
    unit_kpi_backlog_open_daily_snapshot.
    Snapshot KPI: open work orders at the end of each day, per branch.
    SQL: macro kpi_backlog_snapshot_daily (macros/kpi/backlog_snapshot_daily.sql). -#}
{{ kpi_backlog_snapshot_daily('backlog_open') }}
