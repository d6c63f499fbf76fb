{#- backlog_over_120h (超120小时在途工单): open work orders older than 120 h at each day's end.
    Doc block: kpi_backlog_over_120h; unit test: unit_kpi_backlog_over_120h_daily_snapshot.
    SQL: macro kpi_backlog_snapshot_daily (macros/kpi/backlog_snapshot_daily.sql). -#}
{{ kpi_backlog_snapshot_daily('backlog_over_120h') }}
