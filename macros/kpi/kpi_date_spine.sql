{#- One row per calendar day (`date_day`) from `start_date` to `end_date` inclusive
    (SQL expressions of type date, evaluated once in a CTE). Portable: the days come from
    a cross join of digits (up to 100,000 days), not from generate_series. -#}
{% macro kpi_date_spine(start_date, end_date) -%}
    select
        cast({{ dbt.dateadd('day', 'spine_offsets.day_offset', 'spine_bounds.start_date') }} as date) as date_day
    from (
        select
            d1.n + d2.n * 10 + d3.n * 100 + d4.n * 1000 + d5.n * 10000 as day_offset
        from {{ _kpi_digits() }} as d1
        cross join {{ _kpi_digits() }} as d2
        cross join {{ _kpi_digits() }} as d3
        cross join {{ _kpi_digits() }} as d4
        cross join {{ _kpi_digits() }} as d5
    ) as spine_offsets
    cross join (
        select
            cast({{ start_date }} as date) as start_date,
            cast({{ end_date }} as date) as end_date
    ) as spine_bounds
    where {{ dbt.dateadd('day', 'spine_offsets.day_offset', 'spine_bounds.start_date') }} <= spine_bounds.end_date
{%- endmacro %}

{% macro _kpi_digits() -%}
    (
        select 0 as n union all select 1 union all select 2 union all select 3
        union all select 4 union all select 5 union all select 6 union all select 7
        union all select 8 union all select 9
    )
{%- endmacro %}
