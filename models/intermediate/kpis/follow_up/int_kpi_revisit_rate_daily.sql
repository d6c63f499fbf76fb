{#- revisit_rate (回访率). Doc block: kpi_revisit_rate (the window: callback_window); unit
    test: unit_kpi_revisit_rate_daily_window.
    Customer deliveries with a successful follow-up within var('callback_window_days') of
    delivered_at / customer deliveries whose outcome is known, by delivered date at the
    ticket's branch. Instants are compared as absolute epoch seconds in the ticket
    branch's time zone. Deliveries and follow-ups: macros/kpi/follow_up_customer_deliveries.sql. -#}
{%- set window_seconds = var('callback_window_days') ~ ' * 86400' %}

with customer_deliveries as (
    {{ follow_up_customer_deliveries('revisit_rate') }}
),

delivery_follow_ups as (
    {{ follow_ups_after_delivery('customer_deliveries', 'revisit_rate') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

deliveries_as_of as (
    select
        customer_deliveries.ticket_id,
        customer_deliveries.branch_code,
        customer_deliveries.timezone,
        customer_deliveries.date_day,
        customer_deliveries.delivered_epoch,
        {{ local_to_epoch('as_of.as_of', 'customer_deliveries.timezone') }} as as_of_epoch
    from customer_deliveries
    cross join as_of
),

successful_follow_ups as (
    select
        ticket_id,
        attempted_at
    from delivery_follow_ups
    where {{ is_successful_follow_up('channel', 'outcome') }}
),

ticket_outcomes as (
    select
        deliveries_as_of.ticket_id,
        deliveries_as_of.branch_code,
        deliveries_as_of.date_day,
        deliveries_as_of.delivered_epoch,
        deliveries_as_of.as_of_epoch,
        max(
            case
                when {{ local_to_epoch('successful_follow_ups.attempted_at', 'deliveries_as_of.timezone') }}
                    <= deliveries_as_of.delivered_epoch + {{ window_seconds }}
                    then 1
                else 0
            end
        ) as has_successful_follow_up
    from deliveries_as_of
    left join successful_follow_ups
        on deliveries_as_of.ticket_id = successful_follow_ups.ticket_id
    group by
        deliveries_as_of.ticket_id,
        deliveries_as_of.branch_code,
        deliveries_as_of.date_day,
        deliveries_as_of.delivered_epoch,
        deliveries_as_of.as_of_epoch
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
    {{ kpi_daily_measures(
        'revisit_rate', 'known_outcomes',
        'sum(has_successful_follow_up)', 'sum(is_outcome_known)'
    ) }}
)

select * from final
