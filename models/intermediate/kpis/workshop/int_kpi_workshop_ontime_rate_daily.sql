{#- workshop_ontime_rate (车间完工准时率), doc block kpi_workshop_ontime_rate; unit test
    unit_kpi_workshop_ontime_rate_margin. Delivered valid tickets D(P) with promised_at and
    work_completed_at whose work was completed at least
    var('workshop_ontime_margin_minutes') before promised_at / those tickets, by delivered
    date at the ticket's branch. Absolute time (epoch seconds in the branch's zone). -#}
{%- set margin_seconds = var('workshop_ontime_margin_minutes') ~ ' * 60' %}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

promised_completions as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.work_completed_at', 'branches.timezone') }} as completed_epoch,
        {{ local_to_epoch('tickets.promised_at', 'branches.timezone') }} as promised_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.promised_at is not null
        and tickets.work_completed_at is not null
),

flagged as (
    select
        branch_code,
        date_day,
        case
            when completed_epoch <= promised_epoch - {{ margin_seconds }} then 1
            else 0
        end as is_on_time
    from promised_completions
),

final as (
    select
        'workshop_ontime_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_on_time) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from flagged
    group by
        branch_code,
        date_day
)

select * from final
