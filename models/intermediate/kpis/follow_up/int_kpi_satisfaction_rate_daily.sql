{#- satisfaction_rate (客户满足率). Doc block: kpi_satisfaction_rate; unit test:
    unit_kpi_satisfaction_rate_first_answer.
    Customer deliveries whose first successful follow-up (by attempted_at, then
    callback_id) says satisfied / customer deliveries whose first successful follow-up
    answered `satisfied` (true or false), by delivered date at the ticket's branch.
    Follow-ups attempted before delivered_at are not follow-ups of the delivery. -#}

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

successful_follow_ups as (
    select
        callbacks.ticket_id,
        callbacks.satisfied,
        row_number() over (
            partition by callbacks.ticket_id
            order by callbacks.attempted_at, callbacks.callback_id
        ) as follow_up_order
    from callbacks
    inner join customer_deliveries
        on callbacks.ticket_id = customer_deliveries.ticket_id
    where
        {{ is_successful_follow_up('callbacks.channel', 'callbacks.outcome') }}
        and {{ local_to_epoch('callbacks.attempted_at', 'customer_deliveries.timezone') }}
        >= customer_deliveries.delivered_epoch
),

first_answers as (
    select
        ticket_id,
        satisfied
    from successful_follow_ups
    where follow_up_order = 1
),

ticket_answers as (
    select
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        case when first_answers.satisfied = true then 1 else 0 end as is_satisfied,
        case when first_answers.satisfied is not null then 1 else 0 end as is_answered
    from customer_deliveries
    left join first_answers
        on customer_deliveries.ticket_id = first_answers.ticket_id
),

final as (
    select
        'satisfaction_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_satisfied) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_answered) as {{ type_kpi_measure() }}) as denominator
    from ticket_answers
    group by
        branch_code,
        date_day
)

select * from final
