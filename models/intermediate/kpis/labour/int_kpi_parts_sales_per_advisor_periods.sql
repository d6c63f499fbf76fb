{#- parts_sales_per_advisor (平均每服务专员零件销售额). Doc block:
    kpi_parts_sales_per_advisor; unit test: unit_kpi_parts_sales_per_advisor_distinct.
    A per-period model (distinct advisors cannot be added over days): per branch and
    period of every grain, parts_amount of the delivered valid tickets (D(P)) / the
    number of distinct non-null advisor_id among them, by delivered date at the
    ticket's branch. -#}
{{ config(tags=['kpi_period']) }}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

delivered as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        advisor_id,
        coalesce(parts_amount, 0) as parts_amount
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
),

delivered_by_period as (
    {{ kpi_grain_periods('delivered', 'date_day') }}
),

final as (
    select
        'parts_sales_per_advisor' as kpi_code,
        grain,
        period_start,
        branch_code,
        cast(sum(parts_amount) as {{ type_kpi_measure() }}) as numerator,
        cast(count(distinct advisor_id) as {{ type_kpi_measure() }}) as denominator
    from delivered_by_period
    group by
        grain,
        period_start,
        branch_code
)

select * from final
