{#- Daily backlog snapshot per branch (doc block fct_backlog_daily): one row per branch
    and branch-local day from the branch's first valid ticket to the last day whose end
    (next local midnight) is at or before as_of, zeros included. Columns named after the
    backlog KPI codes; the age thresholds of the backlog_over_* columns come from the
    backlog_age_buckets seed. The snapshot is taken at the end of date_day (the next
    local midnight). Source: int_backlog_days_counted. -#}

with backlog_days as (
    select * from {{ ref('int_backlog_days_counted') }}
),

final as (
    select
        branch_code,
        date_day,
        cast(sum(case when kpi_code = 'backlog_open' then open_tickets else 0 end) as bigint) as backlog_open,
        cast(sum(case when kpi_code = 'backlog_over_24h' then open_tickets else 0 end) as bigint) as backlog_over_24h,
        cast(sum(case when kpi_code = 'backlog_over_48h' then open_tickets else 0 end) as bigint) as backlog_over_48h,
        cast(sum(case when kpi_code = 'backlog_over_72h' then open_tickets else 0 end) as bigint) as backlog_over_72h,
        cast(sum(case when kpi_code = 'backlog_over_96h' then open_tickets else 0 end) as bigint) as backlog_over_96h,
        cast(sum(case when kpi_code = 'backlog_over_120h' then open_tickets else 0 end) as bigint) as backlog_over_120h
    from backlog_days
    group by
        branch_code,
        date_day
)

select * from final
