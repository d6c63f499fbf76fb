{#- backlog_over_48h (超48小时在途工单), doc block kpi_backlog_over_48h; unit test unit_kpi_backlog_over_48h_daily_snapshot.
    Snapshot KPI: open tickets older than the backlog_over_48h bucket's min_age_hours (backlog_age_buckets seed, 48h),
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
    where kpi_code = 'backlog_over_48h'
)

select * from final
