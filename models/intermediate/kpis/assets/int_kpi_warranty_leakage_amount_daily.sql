{#- warranty_leakage_amount (漏洞金额). Doc block: kpi_warranty_leakage_amount; unit test:
    unit_kpi_warranty_leakage_amount_sums. labor_amount + parts_amount of the leaked
    tickets of warranty_leakage_rate (delivered valid warranty_claim tickets of known
    assets, opened after warranty_end_on or with none, not under contract), by delivered
    date at the ticket's branch. An amount KPI: no denominator. -#}

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
        tickets.labor_amount + tickets.parts_amount as ticket_amount,
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
        'warranty_leakage_amount' as kpi_code,
        branch_code,
        date_day,
        cast(sum(case when is_leaked = 1 then ticket_amount else 0 end) as {{ type_kpi_measure() }}) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    from warranty_claims
    group by
        branch_code,
        date_day
)

select * from final
