{#- reminder_rate (预约提醒比例), doc block kpi_reminder_rate; unit test
    unit_kpi_reminder_rate_window. Customer deliveries CD(P) booked at least
    var('reminder_min_booking_lead_hours') before appointment_at whose reminder was sent
    from var('reminder_window_earliest_hours') to var('reminder_window_latest_hours')
    before appointment_at (both ends inclusive) / those deliveries, by delivered date at
    the ticket's branch. Absolute time (epoch seconds in the branch's zone). -#}
{%- set earliest_seconds = var('reminder_window_earliest_hours') ~ ' * 3600' %}
{%- set latest_seconds = var('reminder_window_latest_hours') ~ ' * 3600' %}
{%- set lead_seconds = var('reminder_min_booking_lead_hours') ~ ' * 3600' %}

with appointments as (
    {{ delivered_work_orders(
        customers_only=true,
        where=['tickets.appointment_at is not null', 'tickets.appointment_booked_at is not null'],
        epochs={
            'booked_epoch': 'appointment_booked_at',
            'appointment_epoch': 'appointment_at',
            'reminder_epoch': 'reminder_sent_at',
        }
    ) }}
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
    {{ kpi_daily_measures('reminder_rate', 'booked_ahead', 'sum(is_reminded)', 'count(*)') }}
)

select * from final
