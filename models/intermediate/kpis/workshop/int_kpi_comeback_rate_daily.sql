{#- comeback_rate (返修率), doc block kpi_comeback_rate; unit test
    unit_kpi_comeback_rate_known_outcome. Delivered repairs R(P) (repair or warranty)
    reworked within var('comeback_window_days') / delivered repairs whose rework outcome
    is known, by delivered date at the ticket's branch. Rework flags come from
    int_tickets_rework_flagged. -#}

with rework_flagged_tickets as (
    select * from {{ ref('int_tickets_rework_flagged') }}
),

delivered_repairs as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when is_reworked then 1 else 0 end as is_comeback,
        case when is_rework_outcome_known then 1 else 0 end as is_outcome_known
    from rework_flagged_tickets
    where ticket_type in ('repair', 'warranty')
),

final as (
    {{ kpi_daily_measures(
        'comeback_rate', 'delivered_repairs',
        'sum(is_comeback)', 'sum(is_outcome_known)'
    ) }}
)

select * from final
