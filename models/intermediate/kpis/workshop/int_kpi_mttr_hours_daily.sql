{#- mttr_hours (平均维修时间), doc block kpi_mttr_hours; unit test unit_kpi_mttr_hours_dst.
    Σ absolute hours from opened_at to work_completed_at / count, over delivered valid
    tickets D(P) with work_completed_at, by delivered date at the ticket's branch. Each
    ticket's hours are rounded to the measure's scale before summing. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

completed_deliveries as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.opened_at', 'branches.timezone') }} as opened_epoch,
        {{ local_to_epoch('tickets.work_completed_at', 'branches.timezone') }} as completed_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.work_completed_at is not null
),

ticket_hours as (
    select
        branch_code,
        date_day,
        cast(
            cast(completed_epoch - opened_epoch as double) / 3600 as {{ type_kpi_measure() }}
        ) as repair_hours
    from completed_deliveries
),

final as (
    select
        'mttr_hours' as kpi_code,
        branch_code,
        date_day,
        cast(sum(repair_hours) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from ticket_hours
    group by
        branch_code,
        date_day
)

select * from final
