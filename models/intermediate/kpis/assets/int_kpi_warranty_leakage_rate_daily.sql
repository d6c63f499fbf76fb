{#- warranty_leakage_rate (漏洞). Doc block: kpi_warranty_leakage_rate; unit test:
    unit_kpi_warranty_leakage_rate_boundaries. Delivered valid warranty_claim tickets
    of known assets opened after warranty_end_on (or with no warranty end) on a date no
    service contract covers / delivered valid warranty_claim tickets of known assets,
    by delivered date at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

assets as (
    select * from {{ ref('stg_dms__assets') }}
),

warranty_claims as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        case
            when (
                assets.warranty_end_on is null
                or cast(tickets.opened_at as date) > assets.warranty_end_on
            )
            and not (
                coalesce(cast(tickets.opened_at as date) >= assets.contract_start_on, false)
                and coalesce(cast(tickets.opened_at as date) <= assets.contract_end_on, false)
            )
                then 1
            else 0
        end as is_leaked
    from tickets
    inner join assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.warranty_claim = true
),

final as (
    select
        'warranty_leakage_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_leaked) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from warranty_claims
    group by
        branch_code,
        date_day
)

select * from final
