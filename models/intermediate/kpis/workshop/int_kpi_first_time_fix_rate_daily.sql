{#- first_time_fix_rate (一次修复率), doc block kpi_first_time_fix_rate; unit test
    unit_kpi_first_time_fix_rate_known_outcome. Delivered repairs R(P) (repair or warranty)
    whose rework outcome is known and that were not reworked / delivered repairs whose
    rework outcome is known, by delivered date at the ticket's branch. Rework flags come
    from int_tickets_rework_flagged. -#}

with rework_flagged_tickets as (
    select * from {{ ref('int_tickets_rework_flagged') }}
),

delivered_repairs as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when is_rework_outcome_known and not is_reworked then 1 else 0 end as is_fixed_first_time,
        case when is_rework_outcome_known then 1 else 0 end as is_outcome_known
    from rework_flagged_tickets
    where ticket_type in ('repair', 'warranty')
),

final as (
    {{ kpi_daily_measures(
        'first_time_fix_rate', 'delivered_repairs',
        'sum(is_fixed_first_time)', 'sum(is_outcome_known)'
    ) }}
)

select * from final
