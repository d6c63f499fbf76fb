{#- completion_cycle_hours (工单平均完工周期), doc block kpi_completion_cycle_hours; unit
    test unit_kpi_completion_cycle_hours_dst. Σ absolute hours from opened_at to
    delivered_at / count, over delivered valid tickets D(P), by delivered date at the
    ticket's branch. Each ticket's hours are rounded to the measure's scale before summing. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

deliveries as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.opened_at', 'branches.timezone') }} as opened_epoch,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
),

ticket_hours as (
    select
        branch_code,
        date_day,
        cast(
            cast(delivered_epoch - opened_epoch as double) / 3600 as {{ type_kpi_measure() }}
        ) as cycle_hours
    from deliveries
),

final as (
    select
        'completion_cycle_hours' as kpi_code,
        branch_code,
        date_day,
        cast(sum(cycle_hours) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from ticket_hours
    group by
        branch_code,
        date_day
)

select * from final
