{#- The whole body of an asset fault-count KPI model (early_failure_count,
    in_warranty_fault_count, out_of_warranty_fault_count): the valid (status <>
    'cancelled') repair and warranty tickets of known assets (inner join stg_dms__assets)
    for which the condition `counted` holds, by opened date at the ticket's branch. A
    count KPI: no denominator. `counted` reads the ticket's opened_on (opened date) and
    the asset's sold_on, warranty_end_on, contract_start_on and contract_end_on, e.g.
    kpi_asset_repair_count_daily('in_warranty_fault_count', 'opened_on <= warranty_end_on').
    Emits a complete select statement ending in `select * from final`. -#}
{% macro kpi_asset_repair_count_daily(kpi_code, counted) -%}
with repairs as (
    select
        tickets.branch_code,
        cast(tickets.opened_at as date) as date_day,
        cast(tickets.opened_at as date) as opened_on,
        assets.sold_on,
        assets.warranty_end_on,
        assets.contract_start_on,
        assets.contract_end_on
    from {{ ref('stg_dms__tickets') }} as tickets
    inner join {{ ref('stg_dms__assets') }} as assets
        on tickets.asset_id = assets.asset_id
    where
        tickets.status <> 'cancelled'
        and tickets.ticket_type in ('repair', 'warranty')
),

final as (
    {{ kpi_daily_measures(kpi_code, 'repairs', count_where(counted), 'null') }}
)

select * from final
{%- endmacro %}
