{#- contract_attach_rate (合同附加率). Doc block: kpi_contract_attach_rate; unit test:
    unit_kpi_contract_attach_rate_distinct_assets. A per-period model (distinct assets
    cannot be added over days): per branch and period of every grain, distinct known
    assets of the delivered valid tickets (D(P)) with a D(P) ticket whose opened date
    their service contract covers / distinct known assets in D(P), by delivered date at
    the ticket's branch. -#}
{{ config(tags=['kpi_period']) }}
{{ kpi_days_incremental(by='period') }}

with deliveries as (
    {{ delivered_work_orders() }}
),

assets as (
    select * from {{ ref('stg_dms__assets') }}
),

delivered_assets as (
    select
        deliveries.branch_code,
        deliveries.date_day,
        deliveries.asset_id,
        case
            when cast(deliveries.opened_at as date) >= assets.contract_start_on
                and cast(deliveries.opened_at as date) <= assets.contract_end_on
                then deliveries.asset_id
        end as covered_asset_id
    from deliveries
    inner join assets
        on deliveries.asset_id = assets.asset_id
),

deliveries_by_period as (
    {{ kpi_grain_periods('delivered_assets', 'date_day', code='contract_attach_rate') }}
),

{#- each asset once per period and branch, covered when one of its deliveries there was:
    the two distinct counts then become a sum and a count over one aggregate, which
    DuckDB computes with one hash table rather than one per distinct count (D-141) -#}
period_assets as (
    select
        grain,
        period_start,
        branch_code,
        asset_id,
        max(case when covered_asset_id is not null then 1 else 0 end) as is_covered
    from deliveries_by_period
    group by
        grain,
        period_start,
        branch_code,
        asset_id
),

final as (
    {{ kpi_period_measures(
        'contract_attach_rate', 'period_assets',
        'sum(is_covered)', 'count(*)'
    ) }}
)

select * from final
