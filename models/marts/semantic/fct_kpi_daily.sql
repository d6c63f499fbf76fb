{#- The semantic layer's KPI fact: every daily KPI row (int_kpi_daily_unioned), one row
    per (kpi_code, branch_code, date_day), with a single-column key for MetricFlow's
    primary entity. KPIs whose denominator is a distinct count over the period are not
    here (they have no daily rows; see the doc block semantic_layer).
    Incremental on DuckDB: a refresh recomputes the days int_kpi_daily_unioned
    recomputed (kpi_days_incremental). -#}
{{ kpi_days_incremental(contracted=true) }}

with kpi_days as (
    select * from {{ ref('int_kpi_daily_unioned') }}
),

final as (
    select
        {{ concat_key(['kpi_days.kpi_code', 'kpi_days.branch_code', 'kpi_days.date_day']) }} as kpi_day_key,
        cast(kpi_days.kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(kpi_days.branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(kpi_days.date_day as date) as date_day,
        cast(kpi_days.numerator as {{ type_kpi_measure() }}) as numerator,
        cast(kpi_days.denominator as {{ type_kpi_measure() }}) as denominator
    from kpi_days
    {{ kpi_recomputed('kpi_days.date_day', code_column='kpi_days.kpi_code') }}
)

select * from final
