{#- completion_cycle_hours (工单平均完工周期), doc block kpi_completion_cycle_hours; unit
    test unit_kpi_completion_cycle_hours_dst. Σ absolute hours from opened_at to
    delivered_at / count, over delivered valid tickets D(P), by delivered date at the
    ticket's branch. Each ticket's hours are rounded to the measure's scale before summing.
    SQL: macro kpi_elapsed_hours_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_elapsed_hours_daily('completion_cycle_hours', 'delivered_at') }}
