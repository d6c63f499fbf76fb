{#- parts_sales_per_advisor (平均每服务专员零件销售额). Doc block:
    kpi_parts_sales_per_advisor; unit test: unit_kpi_parts_sales_per_advisor_distinct.
    A per-period model (distinct advisors cannot be added over days): per branch and
    period of every grain, parts_amount of the delivered valid tickets (D(P)) / the
    number of distinct non-null advisor_id among them, by delivered date at the
    ticket's branch. -#}
{{ config(tags=['kpi_period']) }}
{{ kpi_days_incremental(by='period') }}

with delivered as (
    {{ delivered_work_orders() }}
),

delivered_by_period as (
    {{ kpi_grain_periods('delivered', 'date_day', code='parts_sales_per_advisor') }}
),

final as (
    {{ kpi_period_measures(
        'parts_sales_per_advisor', 'delivered_by_period',
        'sum(coalesce(parts_amount, 0))', 'count(distinct advisor_id)'
    ) }}
)

select * from final
