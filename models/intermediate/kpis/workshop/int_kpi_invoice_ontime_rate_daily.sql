{#- invoice_ontime_rate (终检出票实时率), doc block kpi_invoice_ontime_rate; unit test
    unit_kpi_invoice_ontime_rate_promise. Delivered valid tickets D(P) with promised_at and
    invoiced_at invoiced at or before promised_at / those tickets, by delivered date at the
    ticket's branch. Absolute time (epoch seconds in the branch's zone).
    SQL: macro kpi_done_by_promise_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_done_by_promise_daily('invoice_ontime_rate', 'invoiced_at') }}
