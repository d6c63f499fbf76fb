{#- comeback_rate (返修率), doc block kpi_comeback_rate; unit test
    unit_kpi_comeback_rate_known_outcome. Delivered repairs R(P) (repair or warranty)
    reworked within var('comeback_window_days') / delivered repairs whose rework outcome
    is known, by delivered date at the ticket's branch. Rework flags come from
    int_tickets_rework_flagged.
    SQL: macro kpi_rework_outcome_rate_daily (macros/kpi/workshop_delivered_daily.sql). -#}
{{ kpi_rework_outcome_rate_daily('comeback_rate', counted='is_reworked') }}
