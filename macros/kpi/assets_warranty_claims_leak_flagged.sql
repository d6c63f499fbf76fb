{#- The warranty claims that warranty_leakage_rate and warranty_leakage_amount count:
    one row per delivered valid (status <> 'cancelled') warranty_claim ticket of a known
    asset, with its branch_code, date_day (delivered date), ticket_amount
    (labor_amount + parts_amount) and is_leaked (1 when opened after the asset's
    warranty_end_on, or the asset has none, on a date no service contract of the asset
    covers; else 0). Emits a select statement (use it as the body of a CTE). -#}
{% macro warranty_claims_leak_flagged() -%}
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
    from {{ ref('stg_dms__tickets') }} as tickets
    inner join {{ ref('stg_dms__assets') }} as assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.warranty_claim = true
{%- endmacro %}
