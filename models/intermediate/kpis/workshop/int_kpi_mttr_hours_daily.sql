{#- mttr_hours (平均维修时间), doc block kpi_mttr_hours; unit test unit_kpi_mttr_hours_dst.
    Σ absolute hours from opened_at to work_completed_at / count, over delivered valid
    tickets D(P) with work_completed_at, by delivered date at the ticket's branch. Each
    ticket's hours are rounded to the measure's scale before summing.
    SQL: macro kpi_elapsed_hours_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_elapsed_hours_daily('mttr_hours', 'work_completed_at') }}
