{#- The last date of the period of `grain_column` that starts on `start_column` (both
    columns of one row of kpi_values or fct_technician_kpi_values): the start itself for a
    day, start + 6 for an ISO week, the day before the next month, quarter or year
    starts. Portable (dbt.dateadd; Spark has the project's override). -#}
{% macro kpi_period_end(grain_column, start_column) -%}
    cast(
        case {{ grain_column }}
            when 'day' then {{ start_column }}
            when 'week' then {{ dbt.dateadd('day', 6, start_column) }}
            when 'month' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, start_column)) }}
            when 'quarter' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, start_column)) }}
            when 'year' then {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, start_column)) }}
        end
        as date
    )
{%- endmacro %}
