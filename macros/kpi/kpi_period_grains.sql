{#- Repeat every row of the CTE `cte` once per grain of `kpi_grains()`, adding `grain`
    and `period_start` (the first date of the `date_column`'s period: ISO week, Monday
    start). A per-period KPI model (int_kpi_<code>_periods) groups the result by
    grain, period_start, branch_code to count distinct people per period.
    Emits a select statement (use it as the body of a CTE).

    `code` (the KPI's code) makes the per-period model incremental by period
    (kpi_days_incremental(by='period')): in an incremental build each grain keeps only the
    rows of the periods that hold a recomputed day, the ones the build deletes and writes
    again. -#}
{% macro kpi_grain_periods(cte, date_column='date_day', code=none) -%}
    {%- set scope = kpi_scope() if code is not none else none -%}
    {%- for grain in kpi_grains() %}
    select
        {{ cte }}.*,
        '{{ grain }}' as grain,
        cast({{ dbt.date_trunc(grain, cte ~ '.' ~ date_column) }} as date) as period_start
    from {{ cte }}
    {%- if scope is not none %}
    {{ kpi_recomputed(cte ~ '.' ~ date_column, code=code, kind='period', grain="'" ~ grain ~ "'", scope=scope) }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
