{#- Exactly one SLA policy applies to tickets without a fault_level
    (sla_policies.applies_to_missing_level; int_work_orders_sla_measured). -#}

with sla_policies as (
    select * from {{ ref('sla_policies') }}
),

defaults as (
    select count(*) as n_defaults
    from sla_policies
    where applies_to_missing_level
),

final as (
    select n_defaults
    from defaults
    where n_defaults <> 1
)

select * from final
