{#- in_warranty_fault_count (保内故障). Doc block: kpi_in_warranty_fault_count; unit test:
    unit_kpi_in_warranty_fault_count_boundaries. Valid
    repair/warranty tickets of known assets opened on or before warranty_end_on, by
    opened date at the ticket's branch. A count KPI: no denominator. -#}

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
        case when cast(tickets.opened_at as date) <= assets.warranty_end_on then 1 else 0 end as is_in_warranty
    from tickets
    inner join assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.ticket_type in ('repair', 'warranty')
),

final as (
    select
        'in_warranty_fault_count' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_in_warranty) as {{ type_kpi_measure() }}) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    from repairs
    group by
        branch_code,
        date_day
)

select * from final
