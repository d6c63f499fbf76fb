{#- complaint_rate (服务投诉率). Doc block: kpi_complaint_rate; unit test:
    unit_kpi_complaint_rate_any_follow_up. Customer deliveries with a follow-up of any
    channel and outcome recording complaint = true / customer deliveries, by delivered
    date at the ticket's branch. Follow-ups before delivered_at do not count. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

callbacks as (
    select * from {{ ref('stg_dms__callbacks') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

customer_deliveries as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        branches.timezone,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.is_internal = false
),

ticket_complaints as (
    select distinct callbacks.ticket_id
    from callbacks
    inner join customer_deliveries
        on callbacks.ticket_id = customer_deliveries.ticket_id
    where
        callbacks.complaint = true
        and {{ local_to_epoch('callbacks.attempted_at', 'customer_deliveries.timezone') }}
        >= customer_deliveries.delivered_epoch
),

ticket_outcomes as (
    select
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        case when ticket_complaints.ticket_id is not null then 1 else 0 end as has_complaint
    from customer_deliveries
    left join ticket_complaints
        on customer_deliveries.ticket_id = ticket_complaints.ticket_id
),

final as (
    select
        'complaint_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(has_complaint) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from ticket_outcomes
    group by
        branch_code,
        date_day
)

select * from final
