{#- parts_sales_per_ticket (每工单零件销售). Doc block: kpi_parts_sales_per_ticket; unit
    test: unit_kpi_parts_sales_per_ticket_delivered. parts_amount of the delivered valid
    tickets (D(P)) / their number, by delivered date at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

delivered as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        coalesce(parts_amount, 0) as parts_amount
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
),

final as (
    select
        'parts_sales_per_ticket' as kpi_code,
        branch_code,
        date_day,
        cast(sum(parts_amount) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from delivered
    group by
        branch_code,
        date_day
)

select * from final
