{#- response_sla_rate (10分钟响应率), doc block kpi_response_sla_rate; unit test unit_kpi_response_sla_rate_daily_outcomes.
    Valid tickets (status <> 'cancelled') with first_response_at within the response target (on the clock of
    the ticket's SLA policy) / valid tickets whose outcome is known, by opened date at the
    ticket's branch. Per-ticket timing: int_work_orders_sla_measured. -#}

with work_orders as (
    select * from {{ ref('int_work_orders_sla_measured') }}
),

valid_work_orders as (
    select
        branch_code,
        opened_date as date_day,
        case when is_response_sla_met then 1 else 0 end as is_met,
        case when is_response_outcome_known then 1 else 0 end as is_known
    from work_orders
    where is_valid
),

final as (
    select
        'response_sla_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_met) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_known) as {{ type_kpi_measure() }}) as denominator
    from valid_work_orders
    group by
        branch_code,
        date_day
)

select * from final
