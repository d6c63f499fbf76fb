{#- parts_fill_rate_bc (BC类满足率). Doc block: kpi_parts_fill_rate_bc; unit test:
    unit_kpi_parts_fill_rate_bc_classes. Valid part lines of class B or C filled
    entirely from stock / valid B and C lines, by requested date at the line's branch.
    part_class is lower-cased in staging. -#}

with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

bc_lines as (
    select
        branch_code,
        cast(requested_at as date) as date_day,
        case when qty_from_stock = qty_requested then 1 else 0 end as is_filled_from_stock
    from part_requests
    where
        status <> 'cancelled'
        and part_class in ('b', 'c')
),

final as (
    select
        'parts_fill_rate_bc' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_filled_from_stock) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from bc_lines
    group by
        branch_code,
        date_day
)

select * from final
