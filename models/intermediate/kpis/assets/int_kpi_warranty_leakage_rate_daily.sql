{#- warranty_leakage_rate (漏洞). Doc block: kpi_warranty_leakage_rate; unit test:
    unit_kpi_warranty_leakage_rate_boundaries. Delivered valid warranty_claim tickets
    of known assets opened after warranty_end_on (or with no warranty end) on a date no
    service contract covers / delivered valid warranty_claim tickets of known assets,
    by delivered date at the ticket's branch.
    Leaked-ticket logic: macro warranty_claims_leak_flagged
    (macros/kpi/assets_warranty_claims_leak_flagged.sql). -#}

with warranty_claims as (
    {{ warranty_claims_leak_flagged() }}
),

final as (
    {{ kpi_daily_measures(
        'warranty_leakage_rate', 'warranty_claims',
        'sum(is_leaked)', 'count(*)'
    ) }}
)

select * from final
