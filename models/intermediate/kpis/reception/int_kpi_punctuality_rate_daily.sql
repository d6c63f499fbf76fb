{#- punctuality_rate (客户守时率), doc block kpi_punctuality_rate; unit test
    unit_kpi_punctuality_rate_window. Customer deliveries CD(P) with appointment_at whose
    customer arrived from var('punctuality_early_minutes') before to
    var('punctuality_late_minutes') after appointment_at (both ends inclusive) / CD(P) with
    appointment_at, by delivered date at the ticket's branch. Absolute time (epoch seconds
    in the branch's zone). -#}
{%- set early_seconds = var('punctuality_early_minutes') ~ ' * 60' %}
{%- set late_seconds = var('punctuality_late_minutes') ~ ' * 60' %}

with appointments as (
    {{ delivered_work_orders(
        customers_only=true,
        where=['tickets.appointment_at is not null'],
        epochs={'appointment_epoch': 'appointment_at', 'arrived_epoch': 'arrived_at'}
    ) }}
),

flagged as (
    select
        branch_code,
        date_day,
        case
            when arrived_epoch >= appointment_epoch - {{ early_seconds }}
                and arrived_epoch <= appointment_epoch + {{ late_seconds }}
                then 1
            else 0
        end as is_punctual
    from appointments
),

final as (
    {{ kpi_daily_measures('punctuality_rate', 'flagged', 'sum(is_punctual)', 'count(*)') }}
)

select * from final
