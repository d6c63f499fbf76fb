{#- problem_resolution_rate (问题解决率). Doc block: kpi_problem_resolution_rate; unit
    test: unit_kpi_problem_resolution_rate_any_follow_up. Customer deliveries where a
    successful follow-up says problem_reported and any successful follow-up says
    problem_resolved / customer deliveries where a successful follow-up says
    problem_reported, by delivered date at the ticket's branch. Follow-ups before
    delivered_at do not count. -#}

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

ticket_problems as (
    select
        callbacks.ticket_id,
        max(case when callbacks.problem_reported = true then 1 else 0 end) as has_problem_reported,
        max(case when callbacks.problem_resolved = true then 1 else 0 end) as has_problem_resolved
    from callbacks
    inner join customer_deliveries
        on callbacks.ticket_id = customer_deliveries.ticket_id
    where
        {{ is_successful_follow_up('callbacks.channel', 'callbacks.outcome') }}
        and {{ local_to_epoch('callbacks.attempted_at', 'customer_deliveries.timezone') }}
        >= customer_deliveries.delivered_epoch
    group by callbacks.ticket_id
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
    select
        'problem_resolution_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_resolved) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_reported) as {{ type_kpi_measure() }}) as denominator
    from ticket_outcomes
    group by
        branch_code,
        date_day
)

select * from final
