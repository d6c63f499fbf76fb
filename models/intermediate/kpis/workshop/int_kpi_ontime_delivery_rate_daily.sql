{#- ontime_delivery_rate (准时交车率), doc block kpi_ontime_delivery_rate; unit test
    unit_kpi_ontime_delivery_rate_promise. Delivered valid tickets D(P) with promised_at
    delivered at or before promised_at / D(P) with promised_at, by delivered date at the
    ticket's branch. Absolute time (epoch seconds in the branch's zone).
    SQL: macro kpi_done_by_promise_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_done_by_promise_daily('ontime_delivery_rate', 'delivered_at') }}
