{#- Every KPI with a target (kpi_targets) has a scorecard weight (kpi_weights), and no
    weight is negative: a missing row would silently drop the KPI from the branch
    scorecard. Returns the offending KPI codes. -#}

with kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

kpi_weights as (
    select * from {{ ref('kpi_weights') }}
),

missing_weights as (
    select distinct
        kpi_targets.kpi_code,
        'no weight' as problem
    from kpi_targets
    left join kpi_weights
        on kpi_targets.kpi_code = kpi_weights.kpi_code
    where kpi_weights.kpi_code is null
),

negative_weights as (
    select
        kpi_code,
        'negative weight' as problem
    from kpi_weights
    where weight < 0
),

final as (
    select kpi_code, problem from missing_weights
    union all
    select kpi_code, problem from negative_weights
)

select * from final
