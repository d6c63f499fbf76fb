{#- workshop_ontime_rate (车间完工准时率), doc block kpi_workshop_ontime_rate; unit test
    unit_kpi_workshop_ontime_rate_margin. Delivered valid tickets D(P) with promised_at and
    work_completed_at whose work was completed at least
    var('workshop_ontime_margin_minutes') before promised_at / those tickets, by delivered
    date at the ticket's branch. Absolute time (epoch seconds in the branch's zone).
    SQL: macro kpi_done_by_promise_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_done_by_promise_daily(
    'workshop_ontime_rate', 'work_completed_at', var('workshop_ontime_margin_minutes') ~ ' * 60'
) }}
