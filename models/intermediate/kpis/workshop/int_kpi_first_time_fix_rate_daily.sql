{#- first_time_fix_rate (一次修复率), doc block kpi_first_time_fix_rate; unit test
    unit_kpi_first_time_fix_rate_known_outcome. Delivered repairs R(P) (repair or warranty)
    whose rework outcome is known and that were not reworked / delivered repairs whose
    rework outcome is known, by delivered date at the ticket's branch. Rework flags come
    from int_tickets_rework_flagged.
    SQL: macro kpi_rework_outcome_rate_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_rework_outcome_rate_daily(
    'first_time_fix_rate', counted='is_rework_outcome_known and not is_reworked'
) }}
