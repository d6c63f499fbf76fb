{#- complaint_rate (服务投诉率). Doc block: kpi_complaint_rate; unit test:
    unit_kpi_complaint_rate_any_follow_up. Customer deliveries with a follow-up of any
    channel and outcome recording complaint = true / customer deliveries, by delivered
    date at the ticket's branch. Follow-ups before delivered_at do not count.
    Deliveries and follow-ups: macros/kpi/follow_up_customer_deliveries.sql. -#}

with customer_deliveries as (
    {{ follow_up_customer_deliveries('complaint_rate') }}
),

delivery_follow_ups as (
    {{ follow_ups_after_delivery('customer_deliveries', 'complaint_rate') }}
),

ticket_complaints as (
    select distinct ticket_id
    from delivery_follow_ups
    where complaint = true
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
    {{ kpi_daily_measures('complaint_rate', 'ticket_outcomes', 'sum(has_complaint)', 'count(*)') }}
)

select * from final
