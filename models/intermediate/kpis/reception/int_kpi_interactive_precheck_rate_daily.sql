{#- interactive_precheck_rate (互动预检比例), doc block kpi_interactive_precheck_rate; unit
    test unit_kpi_interactive_precheck_rate_customer_deliveries. Customer deliveries CD(P)
    (delivered valid tickets, is_internal = false) with precheck_with_customer / CD(P), by
    delivered date at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

customer_deliveries as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when precheck_with_customer then 1 else 0 end as is_interactive
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
        and is_internal = false
),

final as (
    select
        'interactive_precheck_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_interactive) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from customer_deliveries
    group by
        branch_code,
        date_day
)

select * from final
