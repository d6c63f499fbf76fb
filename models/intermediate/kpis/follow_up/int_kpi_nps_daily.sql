{#- nps (净推荐值). Doc block: kpi_nps; unit test: unit_kpi_nps_first_score.
    Per customer delivery, the score of its first successful follow-up (by attempted_at, then callback_id) that has an nps_score: promoters
    (9–10) count +1, detractors (0–6) −1, passives (7–8) 0 in the numerator; every
    such ticket counts 1 in the denominator; kpi_values multiplies by the scale (100).
    By delivered date at the ticket's branch; follow-ups before delivered_at do not count.
    Deliveries and follow-ups: macros/kpi/follow_up_customer_deliveries.sql. -#}

with customer_deliveries as (
    {{ follow_up_customer_deliveries('nps') }}
),

delivery_follow_ups as (
    {{ follow_ups_after_delivery('customer_deliveries', 'nps') }}
),

first_scores as (
    {{ first_successful_follow_up('delivery_follow_ups', 'nps_score', answered_only=true) }}
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
    {{ kpi_daily_measures(
        'nps', 'ticket_scores',
        'sum(promoter_minus_detractor)', 'sum(is_scored)'
    ) }}
)

select * from final
