{#- productivity_index (业绩指数, NADA: proficiency). Doc block: kpi_productivity_index;
    unit test: unit_kpi_productivity_index_attribution. Sold hours of the delivered
    valid tickets (D(P)) by delivered date at the ticket's branch / technicians' paired
    shift hours by shift start date at the punch branch.
    SQL: macro kpi_labour_hours_ratio_daily (macros/kpi/labour_hours_daily.sql). -#}
{{ kpi_labour_hours_ratio_daily('productivity_index', numerator='sold_hours', denominator='shift_hours') }}
