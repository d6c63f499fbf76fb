{#- A KPI whose target is a ceiling (`<`, `<=`) is better lower, one whose target is a
    floor (`>`, `>=`) better higher: kpi_definitions.better_when must agree with every
    target row of kpi_targets. Returns the disagreeing rows. -#}

with kpi_definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

final as (
    select
        kpi_targets.kpi_code,
        kpi_targets.comparator,
        kpi_definitions.better_when
    from kpi_targets
    inner join kpi_definitions
        on kpi_targets.kpi_code = kpi_definitions.kpi_code
    where
        (kpi_targets.comparator in ('<', '<=') and kpi_definitions.better_when <> 'lower')
        or (kpi_targets.comparator in ('>', '>=') and kpi_definitions.better_when <> 'higher')
)

select * from final
