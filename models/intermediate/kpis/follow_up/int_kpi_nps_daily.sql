{#- nps (净推荐值). Doc block: kpi_nps; unit test: unit_kpi_nps_first_score.
    Per customer delivery, the score of its first successful follow-up (by attempted_at, then callback_id) that has an nps_score: promoters
    (9–10) count +1, detractors (0–6) −1, passives (7–8) 0 in the numerator; every
    such ticket counts 1 in the denominator; kpi_values multiplies by the scale (100).
    By delivered date at the ticket's branch; follow-ups before delivered_at do not count. -#}

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

scored_follow_ups as (
    select
        callbacks.ticket_id,
        callbacks.nps_score,
        row_number() over (
            partition by callbacks.ticket_id
            order by callbacks.attempted_at, callbacks.callback_id
        ) as follow_up_order
    from callbacks
    inner join customer_deliveries
        on callbacks.ticket_id = customer_deliveries.ticket_id
    where
        {{ is_successful_follow_up('callbacks.channel', 'callbacks.outcome') }}
        and callbacks.nps_score is not null
        and {{ local_to_epoch('callbacks.attempted_at', 'customer_deliveries.timezone') }}
        >= customer_deliveries.delivered_epoch
),

first_scores as (
    select
        ticket_id,
        nps_score
    from scored_follow_ups
    where follow_up_order = 1
),

ticket_scores as (
    select
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        case
            when first_scores.nps_score >= 9 then 1
            when first_scores.nps_score <= 6 then -1
            else 0
        end as promoter_minus_detractor,
        case when first_scores.nps_score is not null then 1 else 0 end as is_scored
    from customer_deliveries
    left join first_scores
        on customer_deliveries.ticket_id = first_scores.ticket_id
),

final as (
    select
        'nps' as kpi_code,
        branch_code,
        date_day,
        cast(sum(promoter_minus_detractor) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_scored) as {{ type_kpi_measure() }}) as denominator
    from ticket_scores
    group by
        branch_code,
        date_day
)

select * from final
