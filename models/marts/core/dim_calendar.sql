{#- Every date of the whole years that the KPI data and as_of touch, with the period
    starts of every grain of kpi_values. The ISO weekday is the whole days since the
    week's Monday, computed from epoch seconds like every duration. -#}

with kpi_days as (
    select * from {{ ref('int_kpi_daily_unioned') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

bounds as (
    select
        min(kpi_days.date_day) as first_day,
        max(kpi_days.date_day) as last_day
    from kpi_days
),

year_bounds as (
    select
        cast({{ dbt.date_trunc('year', 'coalesce(bounds.first_day, cast(as_of.as_of as date))') }} as date) as first_year_start,
        cast(
            {{ dbt.date_trunc('year', 'greatest(coalesce(bounds.last_day, cast(as_of.as_of as date)), cast(as_of.as_of as date))') }}
            as date
        ) as last_year_start
    from bounds
    cross join as_of
),

days as (
    {{ kpi_date_spine(
        '(select first_year_start from year_bounds)',
        dbt.dateadd('day', -1, dbt.dateadd('year', 1, '(select last_year_start from year_bounds)'))
    ) }}
),

final as (
    select
        date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start,
        cast(
            (
                {{ local_to_epoch('cast(date_day as ' ~ type_local_timestamp() ~ ')', "'UTC'") }}
                - {{ local_to_epoch('cast(' ~ dbt.date_trunc('week', 'date_day') ~ ' as ' ~ type_local_timestamp() ~ ')', "'UTC'") }}
            ) / 86400 + 1
            as integer
        ) as iso_weekday
    from days
)

select * from final
