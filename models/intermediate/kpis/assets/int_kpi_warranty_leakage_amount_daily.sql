{#- warranty_leakage_amount (漏洞金额). Doc block: kpi_warranty_leakage_amount; unit test:
    unit_kpi_warranty_leakage_amount_sums. labor_amount + parts_amount of the leaked
    tickets of warranty_leakage_rate (delivered valid warranty_claim tickets of known
    assets, opened after warranty_end_on or with none, not under contract), by delivered
    date at the ticket's branch. An amount KPI: no denominator.
    Leaked-ticket logic: macro warranty_claims_leak_flagged
    (macros/kpi/assets_warranty_claims_leak_flagged.sql). -#}

with warranty_claims as (
    {{ warranty_claims_leak_flagged() }}
),

final as (
    {{ kpi_daily_measures(
        'warranty_leakage_amount', 'warranty_claims',
        'sum(case when is_leaked = 1 then ticket_amount else 0 end)', 'null'
    ) }}
)

select * from final
