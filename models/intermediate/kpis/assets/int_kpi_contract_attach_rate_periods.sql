{#- contract_attach_rate (合同附加率). Doc block: kpi_contract_attach_rate; unit test:
    unit_kpi_contract_attach_rate_distinct_assets. A per-period model (distinct assets
    cannot be added over days): per branch and period of every grain, distinct known
    assets of the delivered valid tickets (D(P)) with a D(P) ticket whose opened date
    their service contract covers / distinct known assets in D(P), by delivered date at
    the ticket's branch. -#}
{{ config(tags=['kpi_period']) }}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

assets as (
    select * from {{ ref('stg_dms__assets') }}
),

deliveries as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        tickets.asset_id,
        case
            when cast(tickets.opened_at as date) >= assets.contract_start_on
                and cast(tickets.opened_at as date) <= assets.contract_end_on
                then tickets.asset_id
        end as covered_asset_id
    from tickets
    inner join assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
),

deliveries_by_period as (
    {{ kpi_grain_periods('deliveries', 'date_day') }}
),

final as (
    select
        'contract_attach_rate' as kpi_code,
        grain,
        period_start,
        branch_code,
        cast(count(distinct covered_asset_id) as {{ type_kpi_measure() }}) as numerator,
        cast(count(distinct asset_id) as {{ type_kpi_measure() }}) as denominator
    from deliveries_by_period
    group by
        grain,
        period_start,
        branch_code
)

select * from final
