{#- The whole body of a backlog snapshot KPI model (int_kpi_backlog_<bucket>_daily): the
    work orders open at the end of each day (older than the bucket's min_age_hours of the
    backlog_age_buckets seed), one row per branch and day (zeros included) from
    int_backlog_days_counted. kpi_values takes a period's last day; a count, so the
    denominator is null. The KPI model passes its code, e.g.
    kpi_backlog_snapshot_daily('backlog_over_24h').
    Emits a complete select statement ending in `select * from final`. -#}
{% macro kpi_backlog_snapshot_daily(kpi_code) -%}
{{ kpi_days_incremental() }}
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
    where kpi_code = '{{ kpi_code }}'
    {{ kpi_recomputed('date_day', code=kpi_code, keyword='and') }}
)

select * from final
{%- endmacro %}
