{#- appointment_rate (预约率), doc block kpi_appointment_rate; unit test
    unit_kpi_appointment_rate_customer_deliveries. Customer deliveries CD(P) (delivered
    valid tickets, is_internal = false) with an appointment_at / CD(P), by delivered date
    at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

customer_deliveries as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when appointment_at is not null then 1 else 0 end as has_appointment
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
        and is_internal = false
),

final as (
    select
        'appointment_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(has_appointment) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from customer_deliveries
    group by
        branch_code,
        date_day
)

select * from final
