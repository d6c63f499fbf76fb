{#- punctuality_rate (客户守时率), doc block kpi_punctuality_rate; unit test
    unit_kpi_punctuality_rate_window. Customer deliveries CD(P) with appointment_at whose
    customer arrived from var('punctuality_early_minutes') before to
    var('punctuality_late_minutes') after appointment_at (both ends inclusive) / CD(P) with
    appointment_at, by delivered date at the ticket's branch. Absolute time (epoch seconds
    in the branch's zone). -#}
{%- set early_seconds = var('punctuality_early_minutes') ~ ' * 60' %}
{%- set late_seconds = var('punctuality_late_minutes') ~ ' * 60' %}

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
        {{ local_to_epoch('tickets.appointment_at', 'branches.timezone') }} as appointment_epoch,
        {{ local_to_epoch('tickets.arrived_at', 'branches.timezone') }} as arrived_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.is_internal = false
        and tickets.appointment_at is not null
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
    select
        'punctuality_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_punctual) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from flagged
    group by
        branch_code,
        date_day
)

select * from final
