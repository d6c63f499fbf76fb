{#- backlog_open (在途工单), doc block kpi_backlog_open; unit test unit_kpi_backlog_open_daily_snapshot.
    Snapshot KPI: open tickets at the end of the day,
    one row per branch and day (zeros included) from int_backlog_days_counted; kpi_values
    takes a period's last day. A count: the denominator is null. -#}

with backlog_days as (
    select * from {{ ref('int_backlog_days_counted') }}
),

final as (
    select
        kpi_code,
        branch_code,
        date_day,
        cast(open_tickets as {{ type_kpi_measure() }}) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    from backlog_days
    where kpi_code = 'backlog_open'
)

select * from final
