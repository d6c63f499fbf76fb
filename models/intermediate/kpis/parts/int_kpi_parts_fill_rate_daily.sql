{#- parts_fill_rate (零件保供率). Doc block: kpi_parts_fill_rate; unit test:
    unit_kpi_parts_fill_rate_daily_lines.
    Valid part lines filled entirely from stock / valid part lines, by requested date at
    the line's branch. -#}

with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

valid_lines as (
    select
        branch_code,
        cast(requested_at as date) as date_day,
        case when qty_from_stock = qty_requested then 1 else 0 end as is_filled_from_stock
    from part_requests
    where status <> 'cancelled'
),

final as (
    select
        'parts_fill_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_filled_from_stock) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from valid_lines
    group by
        branch_code,
        date_day
)

select * from final
