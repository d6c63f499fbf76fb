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
