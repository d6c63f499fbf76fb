{#- backlog_open (在途工单): open work orders at each day's end.
    Doc block: kpi_backlog_open; unit test: unit_kpi_backlog_open_daily_snapshot.
    SQL: macro kpi_backlog_snapshot_daily (macros/kpi/backlog_snapshot_daily.sql). -#}
{{ kpi_backlog_snapshot_daily('backlog_open') }}
