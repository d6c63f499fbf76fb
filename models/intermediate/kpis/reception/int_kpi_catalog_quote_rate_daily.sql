{#- catalog_quote_rate (目录式报价率), doc block kpi_catalog_quote_rate; unit test
    unit_kpi_catalog_quote_rate_deliveries. Delivered valid tickets D(P) (internal
    included) quoted_from_catalog / D(P), by delivered date at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

deliveries as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when quoted_from_catalog then 1 else 0 end as is_catalog_quoted
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
),

final as (
    select
        'catalog_quote_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_catalog_quoted) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from deliveries
    group by
        branch_code,
        date_day
)

select * from final
