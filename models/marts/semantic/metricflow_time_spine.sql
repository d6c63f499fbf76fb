{#- MetricFlow's daily time spine: every date of dim_calendar (the whole years that the
    KPI data and as_of touch; dim_calendar builds them with the portable kpi_date_spine
    macro). Configured as the project's time spine in _semantic__models.yml. -#}

with calendar as (
    select * from {{ ref('dim_calendar') }}
),

final as (
    select
        cast(date_day as date) as date_day
    from calendar
)

select * from final
