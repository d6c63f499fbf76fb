{#- reminder_rate (预约提醒比例), doc block kpi_reminder_rate; unit test
    unit_kpi_reminder_rate_window. Customer deliveries CD(P) booked at least
    var('reminder_min_booking_lead_hours') before appointment_at whose reminder was sent
    from var('reminder_window_earliest_hours') to var('reminder_window_latest_hours')
    before appointment_at (both ends inclusive) / those deliveries, by delivered date at
    the ticket's branch. Absolute time (epoch seconds in the branch's zone). -#}
{%- set earliest_seconds = var('reminder_window_earliest_hours') ~ ' * 3600' %}
{%- set latest_seconds = var('reminder_window_latest_hours') ~ ' * 3600' %}
{%- set lead_seconds = var('reminder_min_booking_lead_hours') ~ ' * 3600' %}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

appointments as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.appointment_booked_at', 'branches.timezone') }} as booked_epoch,
        {{ local_to_epoch('tickets.appointment_at', 'branches.timezone') }} as appointment_epoch,
        {{ local_to_epoch('tickets.reminder_sent_at', 'branches.timezone') }} as reminder_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.is_internal = false
        and tickets.appointment_at is not null
        and tickets.appointment_booked_at is not null
),

booked_ahead as (
    select
        branch_code,
        date_day,
        case
            when reminder_epoch >= appointment_epoch - {{ earliest_seconds }}
                and reminder_epoch <= appointment_epoch - {{ latest_seconds }}
                then 1
            else 0
        end as is_reminded
    from appointments
    where booked_epoch <= appointment_epoch - {{ lead_seconds }}
),

final as (
    select
        'reminder_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_reminded) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from booked_ahead
    group by
        branch_code,
        date_day
)

select * from final
