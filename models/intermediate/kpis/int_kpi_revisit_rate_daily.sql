{#- revisit_rate (回访率), doc block kpi_revisit_rate: customer deliveries with a successful
    follow-up within var('callback_window_days') of delivered_at / customer deliveries
    whose outcome is known, by delivered date at the ticket's branch. Instants are
    compared as absolute epoch seconds in the ticket branch's time zone. -#}
{%- set window_seconds = var('callback_window_days') ~ ' * 86400' %}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

callbacks as (
    select * from {{ ref('stg_dms__callbacks') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

customer_deliveries as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch,
        {{ local_to_epoch('as_of.as_of', 'branches.timezone') }} as as_of_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    cross join as_of
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.is_internal = false
),

successful_follow_ups as (
    select
        callbacks.ticket_id,
        {{ local_to_epoch('callbacks.attempted_at', 'branches.timezone') }} as attempted_epoch
    from callbacks
    inner join tickets
        on callbacks.ticket_id = tickets.ticket_id
    inner join branches
        on tickets.branch_code = branches.branch_code
    where {{ is_successful_follow_up('callbacks.channel', 'callbacks.outcome') }}
),

ticket_outcomes as (
    select
        customer_deliveries.ticket_id,
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        customer_deliveries.delivered_epoch,
        customer_deliveries.as_of_epoch,
        max(
            case
                when successful_follow_ups.attempted_epoch >= customer_deliveries.delivered_epoch
                    and successful_follow_ups.attempted_epoch
                    <= customer_deliveries.delivered_epoch + {{ window_seconds }}
                    then 1
                else 0
            end
        ) as has_successful_follow_up
    from customer_deliveries
    left join successful_follow_ups
        on customer_deliveries.ticket_id = successful_follow_ups.ticket_id
    group by
        customer_deliveries.ticket_id,
        customer_deliveries.branch_code,
        customer_deliveries.date_day,
        customer_deliveries.delivered_epoch,
        customer_deliveries.as_of_epoch
),

known_outcomes as (
    select
        branch_code,
        date_day,
        has_successful_follow_up,
        case
            when has_successful_follow_up = 1 then 1
            when as_of_epoch >= delivered_epoch + {{ window_seconds }} then 1
            else 0
        end as is_outcome_known
    from ticket_outcomes
),

final as (
    select
        'revisit_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(has_successful_follow_up) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_outcome_known) as {{ type_kpi_measure() }}) as denominator
    from known_outcomes
    group by
        branch_code,
        date_day
)

select * from final
