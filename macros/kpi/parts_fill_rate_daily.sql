{#- The whole body of a parts fill-rate KPI model (parts_fill_rate, parts_fill_rate_bc,
    parts_qty_fill_rate): Σ `numerator` / Σ `denominator` over the valid part lines
    (stg_dms__part_requests, status <> 'cancelled') that meet every condition of `where`,
    by requested date at the line's branch. `numerator` and `denominator` are per-line
    expressions over the line's columns, e.g.
    kpi_part_lines_fill_daily('parts_fill_rate', 'case when qty_from_stock = qty_requested then 1 else 0 end', '1').
    Emits a complete select statement ending in `select * from final`. -#}
{% macro kpi_part_lines_fill_daily(kpi_code, numerator, denominator, where=[]) -%}
with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

valid_lines as (
    select
        branch_code,
        cast(requested_at as date) as date_day,
        {{ numerator }} as line_numerator,
        {{ denominator }} as line_denominator
    from part_requests
    where
        status <> 'cancelled'
        {%- for condition in where %}
        and {{ condition }}
        {%- endfor %}
        {#- the days an incremental build recomputes, on requested_at itself (a timestamp at
            or after the first day's midnight), which the scan applies; the same bound on
            date_day in `final` is applied only after every line is read (D-141) #}
        {{ kpi_recomputed('requested_at', code=kpi_code, keyword='and') }}
),

final as (
    {{ kpi_daily_measures(kpi_code, 'valid_lines', 'sum(line_numerator)', 'sum(line_denominator)') }}
)

select * from final
{%- endmacro %}
