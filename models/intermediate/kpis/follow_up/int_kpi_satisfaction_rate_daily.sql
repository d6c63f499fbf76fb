{#- satisfaction_rate (客户满足率). Doc block: kpi_satisfaction_rate; unit test:
    unit_kpi_satisfaction_rate_first_answer.
    Customer deliveries whose first successful follow-up (by attempted_at, then
    callback_id) says satisfied / customer deliveries whose first successful follow-up
    answered `satisfied` (true or false), by delivered date at the ticket's branch.
    Follow-ups attempted before delivered_at are not follow-ups of the delivery.
    Deliveries and follow-ups: macros/kpi/follow_up_customer_deliveries.sql. -#}

with customer_deliveries as (
    {{ follow_up_customer_deliveries('satisfaction_rate') }}
),

delivery_follow_ups as (
    {{ follow_ups_after_delivery('customer_deliveries', 'satisfaction_rate') }}
),

first_answers as (
    {{ first_successful_follow_up('delivery_follow_ups', 'satisfied') }}
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
    {{ kpi_daily_measures(
        'satisfaction_rate', 'ticket_answers',
        'sum(is_satisfied)', 'sum(is_answered)'
    ) }}
)

select * from final
