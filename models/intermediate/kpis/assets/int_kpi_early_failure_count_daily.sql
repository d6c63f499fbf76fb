{#- early_failure_count (早期故障). Doc block: kpi_early_failure_count; unit test:
    unit_kpi_early_failure_count_boundaries. Valid repair/warranty tickets of known
    assets opened on a date from sold_on to sold_on + var('early_failure_days') days
    (both inclusive), by opened date at the ticket's branch. A count KPI: no
    denominator. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

assets as (
    select * from {{ ref('stg_dms__assets') }}
),

repairs as (
    select
        tickets.branch_code,
        cast(tickets.opened_at as date) as date_day,
        assets.sold_on,
        cast({{ dbt.dateadd('day', var('early_failure_days'), 'assets.sold_on') }} as date) as early_failure_end_on
    from tickets
    inner join assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.ticket_type in ('repair', 'warranty')
),

final as (
    select
        'early_failure_count' as kpi_code,
        branch_code,
        date_day,
        cast(
            sum(case when date_day >= sold_on and date_day <= early_failure_end_on then 1 else 0 end)
            as {{ type_kpi_measure() }}
        ) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    from repairs
    group by
        branch_code,
        date_day
)

select * from final
