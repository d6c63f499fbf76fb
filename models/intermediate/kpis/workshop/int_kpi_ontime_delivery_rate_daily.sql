{#- ontime_delivery_rate (准时交车率), doc block kpi_ontime_delivery_rate; unit test
    unit_kpi_ontime_delivery_rate_promise. Delivered valid tickets D(P) with promised_at
    delivered at or before promised_at / D(P) with promised_at, by delivered date at the
    ticket's branch. Absolute time (epoch seconds in the branch's zone). -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

promised_deliveries as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch,
        {{ local_to_epoch('tickets.promised_at', 'branches.timezone') }} as promised_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.promised_at is not null
),

flagged as (
    select
        branch_code,
        date_day,
        case when delivered_epoch <= promised_epoch then 1 else 0 end as is_on_time
    from promised_deliveries
),

final as (
    select
        'ontime_delivery_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_on_time) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from flagged
    group by
        branch_code,
        date_day
)

select * from final
