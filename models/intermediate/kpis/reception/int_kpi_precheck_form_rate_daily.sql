{#- precheck_form_rate (预检表使用率), doc block kpi_precheck_form_rate; unit test
    unit_kpi_precheck_form_rate_prechecked. Delivered valid tickets D(P) with precheck_done
    whose pre-inspection used the checklist (precheck_form_used) / D(P) with
    precheck_done, by delivered date at the ticket's branch.
    SQL: macro kpi_delivered_share_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_share_daily(
    'precheck_form_rate', 'precheck_form_used', where=['tickets.precheck_done = true']
) }}
