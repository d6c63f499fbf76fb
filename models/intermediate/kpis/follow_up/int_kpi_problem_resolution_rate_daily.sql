{#- problem_resolution_rate (问题解决率). Doc block: kpi_problem_resolution_rate; unit
    test: unit_kpi_problem_resolution_rate_any_follow_up. Customer deliveries where a
    successful follow-up says problem_reported and any successful follow-up says
    problem_resolved / customer deliveries where a successful follow-up says
    problem_reported, by delivered date at the ticket's branch. Follow-ups before
    delivered_at do not count.
    Deliveries and follow-ups: macros/kpi/follow_up_customer_deliveries.sql. -#}

with customer_deliveries as (
    {{ follow_up_customer_deliveries('problem_resolution_rate') }}
),

delivery_follow_ups as (
    {{ follow_ups_after_delivery('customer_deliveries', 'problem_resolution_rate') }}
),

ticket_problems as (
    select
        ticket_id,
        max(case when problem_reported = true then 1 else 0 end) as has_problem_reported,
        max(case when problem_resolved = true then 1 else 0 end) as has_problem_resolved
    from delivery_follow_ups
    where {{ is_successful_follow_up('channel', 'outcome') }}
    group by ticket_id
),

ticket_outcomes as (
    select
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        case
            when ticket_problems.has_problem_reported = 1 and ticket_problems.has_problem_resolved = 1 then 1
            else 0
        end as is_resolved,
        coalesce(ticket_problems.has_problem_reported, 0) as is_reported
    from customer_deliveries
    left join ticket_problems
        on customer_deliveries.ticket_id = ticket_problems.ticket_id
),

final as (
    {{ kpi_daily_measures(
        'problem_resolution_rate', 'ticket_outcomes',
        'sum(is_resolved)', 'sum(is_reported)'
    ) }}
)

select * from final
